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

        this.plain = Listen(instrument => instrument.Meter == this.plainMeter, out _);
        this.status = Listen(instrument => IsHatchet(instrument) && instrument.Name == "hatchet.worker.status", out _);
        this.all = Listen(IsHatchet, out var gauges);

        // build/bench.sh quotes this line: which gauges the last row observes.
        Console.WriteLine($"hatchet gauges: {string.Join(", ", gauges)}");
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

    [Benchmark(Description = "every Hatchet gauge")]
    public void AllHatchetGauges() => this.all.RecordObservableInstruments();

    private static MeterListener Listen(Func<Instrument, bool> select, out List<string> observed)
    {
        var names = new List<string>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (select(instrument))
                {
                    names.Add(instrument.Name);
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>(static (_, value, _, _) => sink += value);
        listener.SetMeasurementEventCallback<double>(static (_, value, _, _) => sink += (long)value);
        listener.Start();
        if (names.Count == 0)
        {
            listener.Dispose();
            throw new InvalidOperationException("No instrument to observe: has the Hatchet meter or gauge been renamed?");
        }

        observed = names;
        return listener;
    }
}
