using OpenTelemetry.Hatchet;

namespace WorkerService;

/// <summary>
/// Stands in for a Hatchet client's connection to the dispatcher, which this example has no engine for.
/// It shows where a real worker reports its listener and heartbeats: connect, then heartbeat every 4 s,
/// as Hatchet workers do, and say when it is shutting down.
/// </summary>
internal sealed class SimulatedDispatcherConnection(HatchetWorkerHealth health) : BackgroundService
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(4);

    // Connecting is reported while the host starts: on .NET 10 ExecuteAsync runs on a pool thread and can
    // begin after the host has reported itself started, which would flip a HEALTHY worker back to STARTING.
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A real worker calls these from its Hatchet client's connection and heartbeat callbacks.
        health.ReportListenerConnecting();
        health.ReportListenerConnected();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = stoppingToken.Register(health.ReportShuttingDown);

        using var timer = new PeriodicTimer(HeartbeatInterval);
        do
        {
            health.ReportHeartbeatSucceeded();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
