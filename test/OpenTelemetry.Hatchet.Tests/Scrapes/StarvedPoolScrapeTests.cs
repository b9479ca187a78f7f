using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>A scrape while the thread pool is known starved is answered at once, without asking the exporter.</summary>
public sealed class StarvedPoolScrapeTests
{
    [Theory]
    [InlineData(HatchetExposition.PrometheusAccept, true)]
    [InlineData(HatchetExposition.TextAccept, false)]
    public async Task Scrape_of_a_starved_worker_gets_the_hatchet_families_without_a_collection(string accept, bool openMetrics)
    {
        var format = openMetrics ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText;
        var collections = 0;
        using var meter = new Meter($"Counted.{Guid.NewGuid():N}");
        meter.CreateObservableGauge("counted.gauge", () => Interlocked.Increment(ref collections));
        await using var worker = await HatchetExposition.StartStillWorkerAsync(
            services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meter.Name)));

        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(7.25));
        var answer = await HatchetExposition.ScrapeAsync(worker.Port, accept);

        answer.Body.Should().Be(HatchetExposition.FallbackWithTargetInfo(worker, format));
        answer.ContentType.Should().Be(System.Text.Encoding.ASCII.GetString(ExpositionFormats.ContentType(format)));
        MetricsEndpointTests.SampleValue(answer.Body, "hatchet_worker_status").Should().Be(0);
        MetricsEndpointTests.SampleValue(answer.Body, "hatchet_worker_event_loop_lag_seconds").Should().Be(7.25);
        Volatile.Read(ref collections).Should().Be(0, "a starved pool cannot collect, so the exporter is not asked");
    }

    [Fact]
    public async Task Scrape_after_the_pool_recovers_is_the_exporters_answer_again()
    {
        await using var worker = await HatchetExposition.StartStillWorkerAsync();
        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(7.25));
        var starved = await HatchetExposition.ScrapeAsync(worker.Port, HatchetExposition.TextAccept);

        worker.Health.ReportThreadPoolLag(TimeSpan.FromMilliseconds(2));
        var recovered = await HatchetExposition.ScrapeAsync(worker.Port, HatchetExposition.TextAccept);

        starved.Body.Should().NotContain("dotnet_");
        recovered.Body.Should().Contain("dotnet_gc_collections_total");
        MetricsEndpointTests.SampleValue(recovered.Body, "hatchet_worker_status").Should().Be(1);
    }
}
