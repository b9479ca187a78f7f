using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenTelemetry.Hatchet.HealthChecks;

/// <summary>
/// Puts the worker's status into the application's own health checks, so that <c>MapHealthChecks</c> and
/// every tool built on it see it: <see cref="HatchetWorkerStatus.Healthy"/> is healthy, every other status
/// is the registration's failure status.
/// </summary>
internal sealed class HatchetWorkerHealthCheck(HatchetWorkerHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = health.Evaluate();
        var status = report.Status.ToString().ToUpperInvariant();
        var data = new Dictionary<string, object> { ["status"] = status };
        var result = report.Status == HatchetWorkerStatus.Healthy
            ? HealthCheckResult.Healthy($"{status}: {report.Reason}", data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"{status}: {report.Reason}", data: data);
        return Task.FromResult(result);
    }
}
