using System.Text.RegularExpressions;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// Every metric the operator kit's alerts and dashboard query is one a running worker really publishes: a
/// renamed or missing metric would leave an alert that never fires or a panel that shows "No data".
/// </summary>
public sealed partial class OperatorKitMetricNamesTests
{
    [Fact]
    public async Task Alerting_rules_query_only_metrics_the_worker_publishes()
    {
        var queried = OperatorKit.RuleExpressions().SelectMany(PromQlMetricNames.In).ToHashSet();

        queried.Should().Contain(["up", "hatchet_worker_status"], "the reader should find the rules' metrics");
        queried.Except(await PublishedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Dashboard_queries_only_metrics_the_worker_publishes()
    {
        var queried = OperatorKit.DashboardQueries().SelectMany(PromQlMetricNames.In).ToHashSet();
        var published = await PublishedAsync();

        queried.Should().Contain(["up", "hatchet_worker_status", "dotnet_gc_collections_total"], "the reader should find the panels' metrics");
        queried.Except(published).Where(name => RuntimeSeries.OtherLineName(name) is null).Should().BeEmpty();
    }

    [Fact]
    public async Task Dashboard_queries_a_series_named_by_the_opentelemetry_line_under_both_names_in_one_query()
    {
        var published = await PublishedAsync();

        foreach (var query in OperatorKit.DashboardQueries())
        {
            // The other line's name is not published in this run: the same query must ask for this line's, with or.
            foreach (var name in PromQlMetricNames.In(query).Where(name => RuntimeSeries.OtherLineName(name) is not null))
            {
                var twin = RuntimeSeries.OtherLineName(name)!;
                PromQlMetricNames.In(query).Should().Contain(twin, $"a worker on either OpenTelemetry line should have data in: {query}");
                query.Should().Contain(" or ", "each worker publishes one of the two names");
                published.Should().Contain(series => series == name || series == twin, "this run's worker publishes one of them");
            }
        }

        OperatorKit.DashboardQueries().SelectMany(PromQlMetricNames.In).Should().Contain(RuntimeSeries.NewestLineNames.Keys.First(), "the dashboard has a thread-pool panel");
    }

    /// <summary>The metric names of a real scrape, and <c>up</c>, which Prometheus writes for every target it scrapes.</summary>
    private static async Task<HashSet<string>> PublishedAsync()
    {
        await using var worker = await ReportingWorker.StartAsync();
        GC.Collect(); // so that every GC series is there, whatever the test run has done so far
        var scrape = await ReportingWorker.ScrapeTextAsync(worker);
        var names = SampleName().Matches(scrape).Select(match => match.Value).ToHashSet();
        names.Add("up");
        return names;
    }

    [GeneratedRegex(@"(?m)^[A-Za-z_:][\w:]*")]
    private static partial Regex SampleName();
}
