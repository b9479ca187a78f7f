using System.Text.RegularExpressions;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// What docs/operations.md says of the runtime's series under each OpenTelemetry line, checked against a real scrape
/// and a real promtool in this run's line (.ci/run runs these once per line).
/// </summary>
public sealed partial class RuntimeSeriesNamesTests
{
    [Fact]
    public async Task Thread_pool_series_are_named_as_this_runs_diagnostic_source_declares_them()
    {
        await using var worker = await ReportingWorker.StartAsync();
        var names = SampleName().Matches(await ReportingWorker.ScrapeTextAsync(worker)).Select(match => match.Value).ToHashSet();

        var (expected, absent) = RuntimeSeries.OnNewestLine
            ? (RuntimeSeries.NewestLineNames.Values, RuntimeSeries.NewestLineNames.Keys)
            : (RuntimeSeries.NewestLineNames.Keys, RuntimeSeries.NewestLineNames.Values);
        names.Should().Contain(expected).And.NotContain(absent);
    }

    [Fact]
    public async Task Every_note_promtool_makes_on_the_scrape_is_one_the_operations_page_shows()
    {
        await using var worker = await ReportingWorker.StartAsync();
        var check = await Promtool.RunAsync(["check", "metrics"], await ReportingWorker.ScrapeTextAsync(worker));
        var page = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "operations.md"), TestContext.Current.CancellationToken);

        var notes = check.Output.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        notes.Should().NotBeEmpty("promtool notes the runtime's _count gauges on either line");
        notes.Should().OnlyContain(note => page.Contains("\n" + note + "\n", StringComparison.Ordinal), check.Output);
    }

    [Fact]
    public async Task Operations_page_names_both_lines_series_and_the_assembly_that_decides()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "operations.md"), TestContext.Current.CancellationToken);

        var names = RuntimeSeries.NewestLineNames.Keys.Concat(RuntimeSeries.NewestLineNames.Values).Select(name => $"`{name}`");
        page.Should().ContainAll([.. names, "`System.Diagnostics.DiagnosticSource` 11.0.0"]);
    }

    [GeneratedRegex(@"(?m)^[A-Za-z_:][\w:]*")]
    private static partial Regex SampleName();
}
