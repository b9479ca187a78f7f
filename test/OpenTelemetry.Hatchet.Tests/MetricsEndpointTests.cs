using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests;

public sealed partial class MetricsEndpointTests
{
    [Fact]
    public async Task Healthy_worker_publishes_status_1_with_the_seed_help_text()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync("/metrics");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.ContentType!.MediaType.Should().Be("text/plain");
        reply.Body.Should().Contain("# TYPE hatchet_worker_status gauge\n");
        reply.Body.Should().Contain("# HELP hatchet_worker_status Current status of the Hatchet worker\n");
        SampleValue(reply.Body, "hatchet_worker_status").Should().Be(1);
    }

    [Fact]
    public async Task Scrape_that_asks_for_OpenMetrics_gets_OpenMetrics()
    {
        await using var worker = await WorkerHost.StartAsync();

        // What Prometheus sends: OpenMetrics first, the classic text form as a fallback.
        var reply = await worker.Client.SendAsync(HttpMethod.Get, "/metrics", accept: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.ContentType!.MediaType.Should().Be("application/openmetrics-text");
        reply.Body.Should().Contain("# TYPE hatchet_worker_status gauge\n").And.EndWith("# EOF\n");
    }

    [Fact]
    public async Task Scrape_that_asks_for_nothing_gets_the_classic_text_form()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync("/metrics");

        reply.ContentType!.MediaType.Should().Be("text/plain");
        reply.Body.Should().NotContain("# EOF");
    }

    [Fact]
    public async Task Unhealthy_worker_publishes_status_0()
    {
        await using var worker = await WorkerHost.StartAsync();

        worker.Health.ReportStatus(HatchetWorkerStatus.Unhealthy);
        var reply = await worker.Client.GetAsync("/metrics");

        SampleValue(reply.Body, "hatchet_worker_status").Should().Be(0);
    }

    [Fact]
    public async Task Runtime_gc_metrics_are_published_beside_the_status()
    {
        await using var worker = await WorkerHost.StartAsync();
        GC.Collect(0);

        var reply = await worker.Client.GetAsync("/metrics");

        reply.Body.Should().MatchRegex("""(?m)^dotnet_gc_collections_total\{[^}]*gc_heap_generation="gen0"[^}]*\} \d+""");
    }

    [Fact]
    public async Task Described_worker_publishes_slots_and_actions()
    {
        await using var worker = await WorkerHost.StartAsync();

        worker.Health.Describe(new HatchetWorkerDescription { Name = "w", Slots = 7, Actions = ["a:one", "a:two"] });
        var reply = await worker.Client.GetAsync("/metrics");

        SampleValue(reply.Body, "hatchet_worker_slots").Should().Be(7);
        SampleValue(reply.Body, "hatchet_worker_actions").Should().Be(2);
    }

    [Fact]
    public async Task Undescribed_worker_publishes_no_slots_or_actions()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync("/metrics");

        reply.Body.Should().NotContain("hatchet_worker_slots");
        reply.Body.Should().NotContain("hatchet_worker_actions");
        SampleValue(reply.Body, "hatchet_worker_status").Should().Be(1);
    }

    [Fact]
    public async Task Metrics_path_without_trailing_slash_is_the_scrape()
    {
        await using var worker = await WorkerHost.StartAsync();

        var withSlash = await worker.Client.GetAsync("/metrics/");
        var without = await worker.Client.GetAsync("/metrics");

        withSlash.Body.Should().Contain("hatchet_worker_status");
        without.Body.Should().Contain("hatchet_worker_status");
    }

    [Fact]
    public async Task Application_meters_are_served_beside_the_worker_metrics()
    {
        using var meter = new Meter($"App.{Guid.NewGuid():N}");
        meter.CreateCounter<long>("orders.processed").Add(3);
        await using var worker = await WorkerHost.StartAsync(
            services: services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meter.Name)));

        meter.CreateCounter<long>("orders.processed").Add(4);
        var reply = await worker.Client.GetAsync("/metrics");

        SampleValue(reply.Body, "orders_processed_total").Should().Be(4);
        SampleValue(reply.Body, "hatchet_worker_status").Should().Be(1);
    }

    [Fact]
    public async Task Listener_health_is_the_whole_status_as_the_python_sdk_publishes_it()
    {
        await using var worker = await WorkerHost.StartAsync();
        var hostOnly = await worker.Client.GetAsync("/metrics");

        // The exporter may answer a scrape that follows closely from its cache, hence waiting for each change. The
        // worker's own starvation monitor reports the real lag every 0.5 s, so the lag is reported again before each
        // scrape: a slow scrape must not see the monitor's report instead (the full suite saw that once).
        var starved = await Eventually.Until(
            () =>
            {
                worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(10));
                return worker.Client.GetAsync("/metrics");
            },
            reply => SampleValue(reply.Body, "hatchet_worker_status") == 0,
            "the status to fall to 0");

        SampleValue(hostOnly.Body, "hatchet_worker_listener_health").Should().Be(1, "a healthy worker that reports no listener is HEALTHY");
        SampleValue(starved.Body, "hatchet_worker_listener_health").Should().Be(0, "a starved thread pool is not the listener's doing, but Python's gauge is the whole status");
    }

    [Fact]
    public async Task Thread_pool_lag_is_published_in_seconds_under_the_python_sdk_name()
    {
        await using var worker = await WorkerHost.StartAsync();

        worker.Health.ReportThreadPoolLag(TimeSpan.FromMilliseconds(1500));
        var reply = await worker.Client.GetAsync("/metrics");

        reply.Body.Should().Contain("# TYPE hatchet_worker_event_loop_lag_seconds gauge");
        SampleValue(reply.Body, "hatchet_worker_event_loop_lag_seconds").Should().BeInRange(0, 1.5);
    }

    internal static double SampleValue(string exposition, string metric)
    {
        var match = Regex.Match(exposition, $@"(?m)^{Regex.Escape(metric)}(\{{[^}}]*\}})? (?<value>\S+)$");
        match.Success.Should().BeTrue($"the scrape should hold a {metric} sample:\n{exposition}");
        return double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
