using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenTelemetry.Hatchet.HealthChecks;

/// <summary>
/// Puts the worker's status into the application's own health checks, so that <c>MapHealthChecks</c> and
/// every tool built on it see it: <see cref="HatchetWorkerStatus.Healthy"/> is healthy, every other status
/// is the registration's failure status.
/// </summary>
/// <remarks>
/// Without <c>WithHatchetWorkerMetrics()</c> there is no status to read: a host refuses to start (see
/// <c>AddHatchetWorker</c>), and a service provider built without a host gets a check that fails with an
/// exception that says so, rather than breaking the application's whole health endpoint.
/// </remarks>
internal sealed class HatchetWorkerHealthCheck(HatchetWorkerHealth? health) : IHealthCheck
{
    internal const string Missing = "AddHatchetWorker needs services.AddOpenTelemetry().WithHatchetWorkerMetrics() to be called too.";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (health is null)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, Missing, new InvalidOperationException(Missing)));
        }

        var report = health.Evaluate();
        var status = report.Status.ToString().ToUpperInvariant();
        var data = new Dictionary<string, object> { ["status"] = status };
        var result = report.Status == HatchetWorkerStatus.Healthy
            ? HealthCheckResult.Healthy($"{status}: {report.Reason}", data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"{status}: {report.Reason}", data: data);
        return Task.FromResult(result);
    }
}
