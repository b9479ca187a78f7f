using System.Diagnostics.Metrics;
using System.Reflection;

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

    /// <summary>
    /// The meter's version, which exporters publish (Prometheus' <c>otel_scope_version</c>): the package's
    /// version, as OpenTelemetry .NET's own instrumentations give theirs. Anything else that publishes the
    /// package's version reads it here.
    /// </summary>
    public static readonly string Version = PackageVersion(typeof(HatchetWorkerMeter).Assembly);

    // Observations reuse these arrays rather than making one per scrape (the metrics SDK still allocates a little per callback: 32 B measured in build/BENCHMARKS.md).
    private static readonly Measurement<int>[] Up = [new(1)];
    private static readonly Measurement<int>[] Down = [new(0)];

    private readonly HatchetWorkerHealth health;

    public HatchetWorkerMeter(IMeterFactory meterFactory, HatchetWorkerHealth health)
    {
        this.health = health;
        var meter = CreateMeter(meterFactory);

        Create(meter, HatchetWorkerGauges.Status, this.ObserveStatus);
        Create(meter, HatchetWorkerGauges.ListenerHealth, this.ObserveListenerHealth);
        meter.CreateObservableGauge(
            HatchetWorkerGauges.EventLoopLag.InstrumentName,
            this.ObserveThreadPoolLag,
            unit: HatchetWorkerGauges.EventLoopLag.Unit,
            description: HatchetWorkerGauges.EventLoopLag.Description);
        Create(meter, HatchetWorkerGauges.Slots, this.ObserveSlots);
        Create(meter, HatchetWorkerGauges.Actions, this.ObserveActions);
    }

    private static void Create(Meter meter, HatchetWorkerGauge gauge, Func<IEnumerable<Measurement<int>>> observe)
        => meter.CreateObservableGauge(gauge.InstrumentName, observe, unit: gauge.Unit, description: gauge.Description);

    /// <summary>The package's meter; the factory hands every caller with the same options the same meter.</summary>
    internal static Meter CreateMeter(IMeterFactory meterFactory) => meterFactory.Create(new MeterOptions(MeterName) { Version = Version });

    // The informational version is the package version, followed by "+commit" when the SDK adds the source revision.
    private static string PackageVersion(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var metadata = informational.IndexOf('+', StringComparison.Ordinal);
        return metadata < 0 ? informational : informational[..metadata];
    }

    private static Measurement<int>[] Observed(int? value) => value switch
    {
        1 => Up,
        0 => Down,
        { } other => [new(other)],
        null => [],
    };

    private IEnumerable<Measurement<int>> ObserveStatus() => Observed(HatchetWorkerGauges.ReadStatus(this.health));

    private IEnumerable<Measurement<int>> ObserveListenerHealth() => Observed(HatchetWorkerGauges.ReadListenerHealth(this.health));

    private Measurement<double> ObserveThreadPoolLag() => new(HatchetWorkerGauges.ReadEventLoopLag(this.health));

    private IEnumerable<Measurement<int>> ObserveSlots() => Observed(HatchetWorkerGauges.ReadSlots(this.health));

    private IEnumerable<Measurement<int>> ObserveActions() => Observed(HatchetWorkerGauges.ReadActions(this.health));
}
