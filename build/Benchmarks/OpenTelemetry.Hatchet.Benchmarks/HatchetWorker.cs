using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// A started host with the package's one line, reached only through its public API and over HTTP, so the
/// benchmarks measure what a worker runs and keep working while the healthcheck's insides change.
/// </summary>
internal sealed class HatchetWorker : IDisposable
{
    // The name under which the package configures its Prometheus exporter.
    private const string ExporterOptionsName = "OpenTelemetry.Hatchet";

    private readonly IHost host;
    private readonly int port;

    private HatchetWorker(IHost host, int port)
    {
        this.host = host;
        this.port = port;
    }

    public HatchetWorkerHealth Health => this.host.Services.GetRequiredService<HatchetWorkerHealth>();

    /// <summary>Gets the interceptor; resolving it puts the worker in the dispatcher connection's hands (STARTING until connected).</summary>
    public HatchetDispatcherInterceptor Interceptor => this.host.Services.GetRequiredService<HatchetDispatcherInterceptor>();

    /// <summary>The host's meter factory, whose meters are this worker's and no other host's.</summary>
    public IMeterFactory MeterFactory => this.host.Services.GetRequiredService<IMeterFactory>();

    /// <summary>Starts a worker that has described itself, as the example worker does.</summary>
    /// <param name="healthcheck">Whether to serve /health and /metrics, on a loopback port.</param>
    /// <param name="scrapeResponseCache">
    /// Whether the exporter keeps its default 300 ms scrape response cache; without it every scrape collects.
    /// </param>
    public static HatchetWorker Start(bool healthcheck, bool scrapeResponseCache = true)
    {
        var port = LoopbackPort.Unused();
        var builder = Host.CreateEmptyApplicationBuilder(settings: null);
        builder.Services.AddOpenTelemetry().WithHatchetWorkerMetrics(options =>
        {
            options.HealthcheckEnabled = healthcheck;
            options.HealthcheckPort = port;
            options.HealthcheckBindAddress = "127.0.0.1";
        });
        if (!scrapeResponseCache)
        {
            builder.Services.Configure<PrometheusHttpListenerOptions>(ExporterOptionsName, exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0);
        }

        var host = builder.Build();
        host.Start();
        var health = host.Services.GetRequiredService<HatchetWorkerHealth>();
        health.Describe(new HatchetWorkerDescription { Name = "bench-worker", Slots = 10, Actions = ["bench:step"] });
        if (health.Status != HatchetWorkerStatus.Healthy)
        {
            throw new InvalidOperationException($"The benchmark worker is {health.Status} after starting, not Healthy.");
        }

        return new HatchetWorker(host, port);
    }

    public Uri Url(string path) => new($"http://127.0.0.1:{this.port}{path}");

    public void Dispose()
    {
        this.host.StopAsync().GetAwaiter().GetResult();
        this.host.Dispose();
    }
}
