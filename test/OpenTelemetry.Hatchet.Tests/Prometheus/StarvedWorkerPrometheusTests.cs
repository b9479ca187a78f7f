using System.Diagnostics;
using System.Globalization;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Hatchet.Tests.Status;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// A real Prometheus, with the operator kit's alerting rules, scrapes a worker whose thread pool is
/// saturated by blocking work items for over a minute: every second, and at the seed's 5 s.
/// </summary>
[Collection(typeof(RunsAlone))]
public sealed class StarvedWorkerPrometheusTests
{
    // More blocking items than the pool injects threads in the time (about two a second while starved).
    private const int BlockingWorkItems = 500;
    private static readonly TimeSpan LongestStarvation = TimeSpan.FromSeconds(110);

    [Fact]
    public async Task Starved_worker_stays_up_with_status_0_and_the_lag_and_fires_unhealthy_not_down()
    {
        await using var worker = await WorkerHost.StartAsync();
        var instance = $"127.0.0.1:{worker.Port.ToString(CultureInfo.InvariantCulture)}";
        await using var prometheus = await PrometheusServer.StartWithConfigAsync(
            $"""
            global:
              evaluation_interval: 1s
            rule_files:
              - "{OperatorKit.AlertingRules}"
            scrape_configs:
              - job_name: "hatchet"
                scrape_interval: 5s
                static_configs:
                  - targets: ["{instance}"]
              - job_name: "hatchet-every-second"
                scrape_interval: 1s
                static_configs:
                  - targets: ["{instance}"]
            """);
        await Eventually.Until(
            () => prometheus.QueryAsync("hatchet_worker_status == 1"),
            vector => vector.Samples.Count == 2,
            "both jobs to have scraped the healthy worker",
            TimeSpan.FromSeconds(30));

        // From here until the release the test blocks instead of awaiting: awaiting needs the pool it starves.
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var starvation = PoolStarvation.Start(BlockingWorkItems, TimeSpan.FromSeconds(150));

        PrometheusServer.Vector firing;
        try
        {
            firing = WhileStarved(clock, () => prometheus.Query("""ALERTS{alertname="HatchetWorkerUnhealthy",alertstate="firing"}"""));
        }
        finally
        {
            starvation.Release();
        }

        var released = DateTimeOffset.UtcNow;
        var window = $"[{(int)(released - started).TotalSeconds}s]";
        async Task<double> Value(string promql)
        {
            var vector = await prometheus.QueryAsync(promql, released);
            vector.Samples.Should().ContainSingle($"{promql} should have one sample: {vector}");
            return vector.Samples[0].Value;
        }

        // Every second: up in nearly every scrape, status 0 in most, the lag at or above the 5 s threshold.
        var scrapes = await Value($$"""count_over_time(up{job="hatchet-every-second"}{{window}})""");
        var upScrapes = await Value($$"""sum_over_time(up{job="hatchet-every-second"}{{window}})""");
        var statusSamples = await Value($$"""count_over_time(hatchet_worker_status{job="hatchet-every-second"}{{window}})""");
        var healthySamples = await Value($$"""sum_over_time(hatchet_worker_status{job="hatchet-every-second"}{{window}})""");
        var lag = await Value($$"""max_over_time(hatchet_worker_event_loop_lag_seconds{job="hatchet-every-second"}{{window}})""");

        // At the seed's 5 s: the same, and the kit's alerts as they stood at the release.
        var seedScrapes = await Value($$"""count_over_time(up{job="hatchet"}{{window}})""");
        var seedUpScrapes = await Value($$"""sum_over_time(up{job="hatchet"}{{window}})""");
        var seedStatus = await Value($$"""min_over_time(hatchet_worker_status{job="hatchet"}{{window}})""");
        var seedLag = await Value($$"""max_over_time(hatchet_worker_event_loop_lag_seconds{job="hatchet"}{{window}})""");
        var down = await prometheus.QueryAsync($$"""ALERTS{alertname="HatchetWorkerDown"}""", released);
        var everDown = await prometheus.QueryAsync($$"""max_over_time(ALERTS{alertname="HatchetWorkerDown"}{{window}})""", released);

        var report = $"after {clock.Elapsed.TotalSeconds:0} s starved: {upScrapes}/{scrapes} scrapes up every second, status 0 in {statusSamples - healthySamples}/{statusSamples}, lag up to {lag} s; at 5 s: {seedUpScrapes}/{seedScrapes} up, lag up to {seedLag} s";
        TestContext.Current.SendDiagnosticMessage(report);
        firing.Samples.Should().ContainSingle(sample => sample.Labels["instance"] == instance, report);
        scrapes.Should().BeGreaterThanOrEqualTo(60, report);
        upScrapes.Should().BeGreaterThanOrEqualTo(scrapes - 2, report);
        (statusSamples - healthySamples).Should().BeGreaterThanOrEqualTo(statusSamples - 8, report);
        lag.Should().BeGreaterThanOrEqualTo(5, report);
        seedScrapes.Should().BeGreaterThanOrEqualTo(12, report);
        seedUpScrapes.Should().Be(seedScrapes, report);
        seedStatus.Should().Be(0, report);
        seedLag.Should().BeGreaterThanOrEqualTo(5, report);
        down.Samples.Should().BeEmpty(report);
        everDown.Samples.Should().BeEmpty(report);
    }

    // Polls with blocking calls until the kit's unhealthy alert fires; the release follows at once.
    private static PrometheusServer.Vector WhileStarved(Stopwatch clock, Func<PrometheusServer.Vector> alerts)
    {
        while (clock.Elapsed < LongestStarvation)
        {
            var vector = alerts();
            if (vector.Samples.Count > 0 && clock.Elapsed > TimeSpan.FromSeconds(65))
            {
                return vector;
            }

            Thread.Sleep(1000);
        }

        return alerts();
    }
}
