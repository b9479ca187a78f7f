using Microsoft.Extensions.Hosting;

namespace OpenTelemetry.Hatchet.Status;

/// <summary>
/// Feeds the host's lifecycle into <see cref="HatchetWorkerHealth"/>: starting, started, and stopping.
/// </summary>
/// <remarks>
/// The lifecycle hooks run for every hosted service in phases, so <c>StartedAsync</c> means every
/// service's <c>StartAsync</c> has returned. Stopping is taken from <c>ApplicationStopping</c>, which
/// fires first however the host is stopped: by Ctrl-C or SIGTERM, or by a call to <c>StopAsync</c>.
/// </remarks>
internal sealed class HostLifecycleSignal(HatchetWorkerHealth health, IHostApplicationLifetime lifetime) : IHostedLifecycleService, IDisposable
{
    private CancellationTokenRegistration stopping;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        health.ReportHostStatus(HatchetWorkerStatus.Starting, "the host is starting");

        // The earlier the probes see the host stopping, the sooner the worker stops getting traffic.
        this.stopping = lifetime.ApplicationStopping.Register(this.OnStopping);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        health.ReportHostStatus(HatchetWorkerStatus.Healthy, "the host has started");
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => this.stopping.Dispose();

    private void OnStopping() => health.ReportHostStatus(HatchetWorkerStatus.Unhealthy, "the host is stopping");
}
