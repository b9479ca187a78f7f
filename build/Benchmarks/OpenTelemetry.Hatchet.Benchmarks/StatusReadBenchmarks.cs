using BenchmarkDotNet.Attributes;
using Prometheus;
using PrometheusMetrics = Prometheus.Metrics;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>Reading the worker's status, as the gauge and /health do on every scrape and probe: it must allocate 0 B.</summary>
/// <remarks>One read is too short to time on its own, so each benchmark makes <see cref="Reads"/> of them.</remarks>
public class StatusReadBenchmarks
{
    private const int Reads = 1000;

    private HatchetWorker worker = null!;
    private HatchetWorkerHealth health = null!;
    private Gauge gauge = null!;

    [GlobalSetup]
    public void Setup()
    {
        this.worker = HatchetWorker.Start(healthcheck: false);
        this.health = this.worker.Health;
        this.gauge = PrometheusMetrics.WithCustomRegistry(PrometheusMetrics.NewCustomRegistry())
            .CreateGauge("hatchet_worker_status", "Current status of the Hatchet worker");
        this.gauge.Set(1);
    }

    [GlobalCleanup]
    public void Cleanup() => this.worker.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Reads, Description = "prometheus-net Gauge.Value")]
    public double PrometheusNetGaugeValue()
    {
        var sum = 0.0;
        for (var read = 0; read < Reads; read++)
        {
            sum += this.gauge.Value;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Reads, Description = "HatchetWorkerHealth.Status")]
    public int HatchetStatus()
    {
        var sum = 0;
        for (var read = 0; read < Reads; read++)
        {
            sum += (int)this.health.Status;
        }

        return sum;
    }
}
