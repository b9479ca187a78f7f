using AspNetCoreFloor;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Prometheus;
using PrometheusMetrics = Prometheus.Metrics;
using PrometheusNetPeer;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// One probe of /health over loopback HTTP, client and server in this process: the worker against the
/// ASP.NET Core floor and the prometheus-net peer's plain HttpListener.
/// </summary>
public class HealthRequestBenchmarks
{
    private HatchetWorker worker = null!;
    private WebApplication floor = null!;
    private PrometheusNetServer peer = null!;
    private HttpClient client = null!;
    private Uri floorUrl = null!;
    private Uri peerUrl = null!;
    private Uri workerUrl = null!;

    [GlobalSetup]
    public void Setup()
    {
        var floorPort = LoopbackPort.Unused();
        this.floor = FloorApp.Create(floorPort);
        this.floor.StartAsync().GetAwaiter().GetResult();
        this.floorUrl = new Uri($"http://127.0.0.1:{floorPort}/health");

        var peerPort = LoopbackPort.Unused();
        this.peer = PrometheusNetServer.Start(peerPort, PrometheusMetrics.NewCustomRegistry());
        this.peerUrl = new Uri($"http://127.0.0.1:{peerPort}/health");

        this.worker = HatchetWorker.Start(healthcheck: true);
        this.workerUrl = this.worker.Url("/health");
        this.client = new HttpClient();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        this.client.Dispose();
        this.worker.Dispose();
        this.peer.Dispose();
        this.floor.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)this.floor).Dispose();
    }

    [Benchmark(Baseline = true, Description = "ASP.NET Core floor, GET /health")]
    public Task AspNetCoreFloor() => HttpGet.DrainAsync(this.client, this.floorUrl);

    [Benchmark(Description = "plain HttpListener (prometheus-net peer), GET /health")]
    public Task PlainHttpListener() => HttpGet.DrainAsync(this.client, this.peerUrl);

    [Benchmark(Description = "Hatchet, GET /health")]
    public Task Hatchet() => HttpGet.DrainAsync(this.client, this.workerUrl);
}
