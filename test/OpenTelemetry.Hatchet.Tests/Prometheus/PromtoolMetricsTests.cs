using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary><c>promtool check metrics</c> on the classic text form of /metrics, which is what a plain scraper or curl gets.</summary>
public sealed class PromtoolMetricsTests
{
    [Fact]
    public async Task Promtool_check_metrics_names_no_hatchet_series()
    {
        await using var worker = await ReportingWorker.StartAsync();
        var scrape = await ReportingWorker.ScrapeTextAsync(worker);
        scrape.Should().Contain("\nhatchet_worker_status").And.Contain("\nhatchet_worker_listener_health").And.Contain("\nhatchet_worker_event_loop_lag_seconds")
            .And.Contain("\nhatchet_worker_slots").And.Contain("\nhatchet_worker_actions");

        var check = await Promtool.RunAsync(["check", "metrics"], scrape);

        // 0 is no problem at all, 3 is lint problems; anything else means promtool could not read the scrape.
        check.ExitCode.Should().BeOneOf([0, Promtool.LintProblems], check.Output);
        check.Output.Split('\n').Where(line => line.Contains("hatchet_", StringComparison.Ordinal)).Should().BeEmpty(check.Output);
    }
}
