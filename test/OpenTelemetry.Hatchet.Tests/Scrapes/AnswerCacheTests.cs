using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// The exporter's own cache window, used through the port: a scrape within it is answered without a collection,
/// one after it is collected anew, and a cached answer gets the Hatchet families as a fresh one does.
/// </summary>
public sealed class AnswerCacheTests
{
    // The name under which WithHatchetWorkerMetrics configures its exporter.
    private const string ExporterOptionsName = "OpenTelemetry.Hatchet";

    [Fact]
    public async Task Scrape_within_the_exporters_cache_window_is_answered_without_a_collection()
    {
        await using var counted = await CountedAsync(cacheMilliseconds: 60_000);

        var first = await counted.Worker.Client.GetAsync("/metrics");
        var second = await counted.Worker.Client.GetAsync("/metrics");
        var head = await counted.Worker.Client.SendAsync(HttpMethod.Head, "/metrics");

        counted.Collections.Should().Be(1);
        second.Body.Should().Be(first.Body).And.Contain("counted_gauge");
        head.Status.Should().Be(System.Net.HttpStatusCode.OK);
        head.ContentHeaders.ContentLength.Should().Be(System.Text.Encoding.UTF8.GetByteCount(first.Body));
    }

    [Fact]
    public async Task Scrape_asking_another_format_is_not_answered_from_the_other_formats_answer()
    {
        await using var counted = await CountedAsync(cacheMilliseconds: 60_000);

        var text = await HatchetExposition.ScrapeAsync(counted.Worker.Port, HatchetExposition.TextAccept);
        var openMetrics = await HatchetExposition.ScrapeAsync(counted.Worker.Port, HatchetExposition.PrometheusAccept);

        text.ContentType.Should().StartWith("text/plain");
        openMetrics.ContentType.Should().StartWith("application/openmetrics-text");
        openMetrics.Body.Should().EndWith("# EOF\n");
        counted.Collections.Should().Be(2);
    }

    [Fact]
    public async Task Scrape_after_the_exporters_cache_window_is_collected_anew()
    {
        await using var counted = await CountedAsync(cacheMilliseconds: 200);

        await counted.Worker.Client.GetAsync("/metrics");
        await Eventually.Until(
            async () => (await counted.Worker.Client.GetAsync("/metrics"), counted.Collections).Collections,
            collections => collections >= 2,
            "a scrape after the window to be collected again");
    }

    [Fact]
    public async Task Without_a_cache_window_every_scrape_is_collected()
    {
        await using var counted = await CountedAsync(cacheMilliseconds: 0);

        await counted.Worker.Client.GetAsync("/metrics");
        await counted.Worker.Client.GetAsync("/metrics");

        counted.Collections.Should().Be(2);
    }

    [Fact]
    public async Task Cached_answer_that_lacks_the_hatchet_families_gets_them_on_every_scrape()
    {
        // A gauge of the application that throws makes the exporter's answer lack the Hatchet families (see
        // ExporterFaultTests); the exporter caches that answer as it is.
        await using var counted = await CountedAsync(cacheMilliseconds: 60_000, throwing: true);

        var first = await counted.Worker.Client.GetAsync("/metrics");
        var cached = await counted.Worker.Client.GetAsync("/metrics");

        counted.Collections.Should().Be(1, "the second scrape is the exporter's cached answer");
        MetricsEndpointTests.SampleValue(first.Body, "hatchet_worker_status").Should().Be(1);
        MetricsEndpointTests.SampleValue(cached.Body, "hatchet_worker_status").Should().Be(1);
        cached.Body.Should().Be(first.Body);
    }

    private static async Task<Counted> CountedAsync(int cacheMilliseconds, bool throwing = false)
    {
        var counted = new Counted(throwing);
        counted.Worker = await WorkerHost.StartAsync(services: services =>
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(counted.Meter.Name));
            services.Configure<PrometheusHttpListenerOptions>(ExporterOptionsName, exporter => exporter.ScrapeResponseCacheDurationMilliseconds = cacheMilliseconds);
        });
        return counted;
    }

    private sealed class Counted : IAsyncDisposable
    {
        private int collections;

        public Counted(bool throwing)
        {
            this.Meter = new Meter($"Counted.{Guid.NewGuid():N}");
            this.Meter.CreateObservableGauge("counted.gauge", () => Interlocked.Increment(ref this.collections) > 0 && throwing
                ? throw new InvalidOperationException("the app's gauge failed")
                : this.collections);
        }

        public Meter Meter { get; }

        public WorkerHost Worker { get; set; } = null!;

        public int Collections => Volatile.Read(ref this.collections);

        public async ValueTask DisposeAsync()
        {
            await this.Worker.DisposeAsync();
            this.Meter.Dispose();
        }
    }
}
