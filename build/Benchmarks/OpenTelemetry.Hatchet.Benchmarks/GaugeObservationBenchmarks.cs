using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// What a collection costs the worker's gauges: one <see cref="MeterListener.RecordObservableInstruments"/>, as
/// the exporter's collection makes per scrape, against the plainest observable gauge .NET offers.
/// </summary>
public class GaugeObservationBenchmarks
{
    private static long sink;

    private HatchetWorker worker = null!;
    private Meter plainMeter = null!;
    private MeterListener plain = null!;
    private MeterListener status = null!;
    private MeterListener all = null!;

    [GlobalSetup]
    public void Setup()
    {
        this.worker = HatchetWorker.Start(healthcheck: false);
        var factory = this.worker.MeterFactory;
        bool IsHatchet(Instrument instrument) => instrument.Meter.Scope == factory && instrument.Meter.Name == "OpenTelemetry.Hatchet";

        this.plainMeter = new Meter("OpenTelemetry.Hatchet.Benchmarks.Plain");
        this.plainMeter.CreateObservableGauge("plain.worker.status", () => 1);

        this.plain = Listen(instrument => instrument.Meter == this.plainMeter, expected: 1);
        this.status = Listen(instrument => IsHatchet(instrument) && instrument.Name == "hatchet.worker.status", expected: 1);
        this.all = Listen(IsHatchet, expected: 3);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        this.plain.Dispose();
        this.status.Dispose();
        this.all.Dispose();
        this.plainMeter.Dispose();
        this.worker.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ObservableGauge(() => 1)")]
    public void PlainGauge() => this.plain.RecordObservableInstruments();

    [Benchmark(Description = "hatchet.worker.status")]
    public void HatchetStatusGauge() => this.status.RecordObservableInstruments();

    [Benchmark(Description = "status + slots + actions")]
    public void AllHatchetGauges() => this.all.RecordObservableInstruments();

    private static MeterListener Listen(Func<Instrument, bool> select, int expected)
    {
        var enabled = 0;
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (select(instrument))
                {
                    enabled++;
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>(static (_, value, _, _) => sink += value);
        listener.Start();
        if (enabled != expected)
        {
            listener.Dispose();
            throw new InvalidOperationException($"Expected {expected} instruments to observe, found {enabled}.");
        }

        return listener;
    }
}
