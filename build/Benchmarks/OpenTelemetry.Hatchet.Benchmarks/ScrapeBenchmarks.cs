using System.Globalization;
using BenchmarkDotNet.Attributes;
using Prometheus;
using PrometheusMetrics = Prometheus.Metrics;
using PrometheusNetPeer;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// One scrape of /metrics over loopback HTTP, client and server in this process, against prometheus-net's
/// MetricServer publishing the same gauge with its own .NET runtime metrics.
/// </summary>
/// <remarks>
/// The OpenTelemetry exporter keeps a scrape response for 300 ms by default, so back-to-back scrapes of the
/// worker as shipped are mostly answered from that cache. A Prometheus server scraping every few seconds never
/// hits it: the uncached worker is the cost of each real scrape.
/// </remarks>
public class ScrapeBenchmarks
{
    private HatchetWorker shipped = null!;
    private HatchetWorker uncached = null!;
    private PrometheusNetServer peer = null!;
    private CollectorRegistry registry = null!;
    private HttpClient client = null!;
    private Uri peerUrl = null!;

    [GlobalSetup]
    public void Setup()
    {
        this.registry = PrometheusMetrics.NewCustomRegistry();
        DotNetStats.Register(this.registry);
        var port = LoopbackPort.Unused();
        this.peer = PrometheusNetServer.Start(port, this.registry);
        this.peerUrl = new Uri($"http://127.0.0.1:{port}/metrics");
        this.shipped = HatchetWorker.Start(healthcheck: true);
        this.uncached = HatchetWorker.Start(healthcheck: true, scrapeResponseCache: false);
        this.client = new HttpClient();

        var peerBody = this.client.GetStringAsync(this.peerUrl).GetAwaiter().GetResult();
        var first = this.client.GetStringAsync(this.uncached.Url("/metrics")).GetAwaiter().GetResult();
        var second = this.client.GetStringAsync(this.uncached.Url("/metrics")).GetAwaiter().GetResult();
        if (first == second)
        {
            throw new InvalidOperationException("Two scrapes of the uncached worker were identical: the exporter's response cache is still on.");
        }

        // build/bench.sh quotes this line: the figures below are per response of these sizes.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scrape sizes: prometheus-net {peerBody.Length} B in {Samples(peerBody)} samples; Hatchet {first.Length} B in {Samples(first)} samples"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        this.client.Dispose();
        this.shipped.Dispose();
        this.uncached.Dispose();
        this.peer.Dispose();
    }

    [Benchmark(Baseline = true, Description = "prometheus-net MetricServer, GET /metrics")]
    public Task PrometheusNetMetricServer() => HttpGet.DrainAsync(this.client, this.peerUrl);

    [Benchmark(Description = "prometheus-net CollectAndExportAsTextAsync, no HTTP")]
    public Task PrometheusNetCollectAndExport() => this.registry.CollectAndExportAsTextAsync(Stream.Null);

    [Benchmark(Description = "Hatchet, GET /metrics, response cache off")]
    public Task HatchetUncached() => HttpGet.DrainAsync(this.client, this.uncached.Url("/metrics"));

    [Benchmark(Description = "Hatchet, GET /metrics, as shipped (300 ms cache)")]
    public Task HatchetShipped() => HttpGet.DrainAsync(this.client, this.shipped.Url("/metrics"));

    private static int Samples(string text) => text.Split('\n').Count(line => line.Length > 0 && line[0] != '#');
}
