using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.HealthChecks;
using OpenTelemetry.Hatchet.Status;

namespace OpenTelemetry.Hatchet.Status;

/// <summary>
/// Runs the application's health checks that carry <see cref="HatchetWorkerMetricsOptions.HealthChecksTag"/>
/// every <see cref="HatchetWorkerMetricsOptions.HealthChecksInterval"/>, each run limited to
/// <see cref="HatchetWorkerMetricsOptions.HealthChecksTimeout"/>, and reports the result to
/// <see cref="HatchetWorkerHealth"/>. Probes read that result and never wait for a check.
/// </summary>
/// <remarks>
/// An unhealthy check makes the worker unhealthy; a degraded one does not, as ASP.NET Core's own
/// endpoints answer 200 for degraded. Until the first run ends, the worker is at best starting.
/// </remarks>
internal sealed class HealthChecksSignal(
    HatchetWorkerHealth health,
    IOptions<HatchetWorkerMetricsOptions> options,
    IOptions<HatchetWorkerHealthCheckNames> ownChecks,
    TimeProvider time,
    IServiceProvider services) : BackgroundService
{
    private static readonly StatusReport NotRunYet = new(HatchetWorkerStatus.Starting, "the tagged health checks have not run yet");

    private HealthCheckService? checks;

    /// <summary>Reports the state before the first run, then starts the runs.</summary>
    /// <remarks>
    /// The report is made here, not in <see cref="ExecuteAsync"/>: on .NET 10 all of <c>ExecuteAsync</c> runs on
    /// the thread pool, so a report made there can land after the host has said the worker started, and the
    /// worker would be healthy for a moment before any check had run.
    /// </remarks>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.HealthChecksTag is { } tag)
        {
            this.checks = services.GetService<HealthCheckService>();
            health.ReportHealthChecks(this.checks is null
                ? new(HatchetWorkerStatus.Unhealthy, $"{nameof(HatchetWorkerMetricsOptions.HealthChecksTag)} is '{tag}' but no health checks are registered: call services.AddHealthChecks()")
                : NotRunYet);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.HealthChecksTag is not { } tag || this.checks is not { } registered)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.HealthChecksInterval, time);
        do
        {
            health.ReportHealthChecks(await RunAsync(registered, tag, settings.HealthChecksTimeout, stoppingToken).ConfigureAwait(false));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<StatusReport> RunAsync(HealthCheckService checks, string tag, TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        limit.CancelAfter(timeout);
        var exclude = ownChecks.Value.Names;
        try
        {
            var report = await checks.CheckHealthAsync(
                registration => registration.Tags.Contains(tag) && !exclude.Contains(registration.Name),
                limit.Token).ConfigureAwait(false);
            var failing = report.Entries.FirstOrDefault(entry => entry.Value.Status == HealthStatus.Unhealthy);
            return failing.Key is null
                ? new(HatchetWorkerStatus.Healthy, $"the health checks tagged '{tag}' are healthy")
                : new(HatchetWorkerStatus.Unhealthy, $"health check '{failing.Key}' is unhealthy: {failing.Value.Description ?? failing.Value.Exception?.Message ?? "no description"}");
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return new(HatchetWorkerStatus.Unhealthy, $"the health checks tagged '{tag}' did not finish within {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // A BackgroundService that throws stops the host; a failing health check must not stop the worker.
            return new(HatchetWorkerStatus.Unhealthy, $"the health checks tagged '{tag}' could not run: {exception.Message}");
        }
    }
}
