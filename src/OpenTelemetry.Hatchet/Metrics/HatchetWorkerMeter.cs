using System.Diagnostics.Metrics;

namespace OpenTelemetry.Hatchet.Metrics;

/// <summary>
/// The meter that publishes <see cref="HatchetWorkerHealth"/> as observable gauges. It only reads the status.
/// </summary>
/// <remarks>
/// Instrument names are OpenTelemetry's dotted form; the Prometheus exporter writes them as
/// <c>hatchet_worker_status</c>, <c>hatchet_worker_listener_health</c>,
/// <c>hatchet_worker_event_loop_lag_seconds</c> (the unit adds the suffix), <c>hatchet_worker_slots</c>
/// and <c>hatchet_worker_actions</c>, the names the Hatchet SDKs use. The meter comes from the host's <see cref="IMeterFactory"/>, so two hosts in one
/// process each publish their own worker.
/// </remarks>
internal sealed class HatchetWorkerMeter
{
    public const string MeterName = "OpenTelemetry.Hatchet";

    // Observations reuse these arrays rather than making one per scrape (the metrics SDK still allocates a little per callback: 32 B measured in build/BENCHMARKS.md).
    private static readonly Measurement<int>[] Up = [new(1)];
    private static readonly Measurement<int>[] Down = [new(0)];

    private readonly HatchetWorkerHealth health;

    public HatchetWorkerMeter(IMeterFactory meterFactory, HatchetWorkerHealth health)
    {
        this.health = health;
        var meter = CreateMeter(meterFactory);

        meter.CreateObservableGauge(
            "hatchet.worker.status",
            this.ObserveStatus,
            description: "Current status of the Hatchet worker");
        meter.CreateObservableGauge(
            "hatchet.worker.listener_health",
            this.ObserveListenerHealth,
            description: "1 when the worker's listener is connected to the Hatchet dispatcher and its heartbeats succeed, else 0");
        meter.CreateObservableGauge(
            "hatchet.worker.event_loop_lag",
            this.ObserveThreadPoolLag,
            unit: "s",
            description: "How long work queued to the .NET thread pool waited before it ran (the Python SDK's event loop lag)");
        meter.CreateObservableGauge(
            "hatchet.worker.slots",
            this.ObserveSlots,
            description: "Slots still free on the Hatchet worker: its slots minus the task runs it holds");
        meter.CreateObservableGauge(
            "hatchet.worker.actions",
            this.ObserveActions,
            description: "Number of actions registered on the Hatchet worker");
    }

    /// <summary>The package's meter; the factory hands every caller with the same options the same meter.</summary>
    internal static Meter CreateMeter(IMeterFactory meterFactory) => meterFactory.Create(new MeterOptions(MeterName)
    {
        Version = typeof(HatchetWorkerMeter).Assembly.GetName().Version?.ToString(),
    });

    private IEnumerable<Measurement<int>> ObserveStatus()
        => this.health.Status == HatchetWorkerStatus.Healthy ? Up : Down;

    // A worker that reports nothing about its listener publishes no listener health: it is not known.
    private IEnumerable<Measurement<int>> ObserveListenerHealth()
        => this.health.IsListenerHealthy switch
        {
            true => Up,
            false => Down,
            null => [],
        };

    private Measurement<double> ObserveThreadPoolLag() => new(this.health.ThreadPoolLag.TotalSeconds);

    // A worker that has not described itself publishes no slots and no actions, as in the TypeScript SDK.
    private IEnumerable<Measurement<int>> ObserveSlots()
        => this.health.FreeSlots is { } free ? [new(free)] : [];

    private IEnumerable<Measurement<int>> ObserveActions()
        => this.health.Description is { } description ? [new(description.Actions.Count)] : [];
}
