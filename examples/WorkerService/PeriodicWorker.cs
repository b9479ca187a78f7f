using OpenTelemetry.Hatchet;

namespace WorkerService;

/// <summary>
/// Stands in for a Hatchet worker: it describes itself, then does a small piece of work every few seconds.
/// A real worker would report <see cref="HatchetWorkerStatus.Unhealthy"/> when it loses the Hatchet engine.
/// </summary>
internal sealed partial class PeriodicWorker(HatchetWorkerHealth health, ILogger<PeriodicWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // Described while the host starts, so the first probe after start already names the worker (on .NET 10
    // ExecuteAsync runs on a pool thread and can begin after the host has reported itself started).
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        health.Describe(new HatchetWorkerDescription
        {
            Name = "example-worker",
            Slots = 10,
            Actions = ["example:step"],
            Labels = new Dictionary<string, string> { ["example"] = "true" },
        });
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var runs = 0;
        do
        {
            runs++;
            LogWorkDone(logger, runs);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Example work done ({Runs} runs)")]
    private static partial void LogWorkDone(ILogger logger, int runs);
}
