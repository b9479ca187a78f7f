using Microsoft.Extensions.Hosting;

namespace OpenTelemetry.Hatchet.Status;

/// <summary>
/// Feeds the host's lifecycle into <see cref="HatchetWorkerHealth"/>: starting, started, and stopping.
/// </summary>
/// <remarks>
/// The lifecycle hooks run for every hosted service in phases, so <c>StartedAsync</c> means every
/// service's <c>StartAsync</c> has returned, and <c>StoppingAsync</c> comes before any of them stops.
/// </remarks>
internal sealed class HostLifecycleSignal(HatchetWorkerHealth health, IHostApplicationLifetime lifetime) : IHostedLifecycleService, IDisposable
{
    private CancellationTokenRegistration stopping;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        health.ReportHostStatus(HatchetWorkerStatus.Starting, "the host is starting");

        // Ctrl-C and SIGTERM signal ApplicationStopping before the host runs its stopping hooks:
        // the earlier the probes see it, the sooner the worker stops getting traffic.
        this.stopping = lifetime.ApplicationStopping.Register(this.OnStopping);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        health.ReportHostStatus(HatchetWorkerStatus.Healthy, "the host has started");
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        this.OnStopping();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => this.stopping.Dispose();

    private void OnStopping() => health.ReportHostStatus(HatchetWorkerStatus.Unhealthy, "the host is stopping");
}
