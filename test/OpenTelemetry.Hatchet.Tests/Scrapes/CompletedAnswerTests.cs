using System.Text;
using CsCheck;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// An exporter's answer that lacks Hatchet families (an application's gauge threw, and the MeterProvider
/// skipped the meters after it) is completed with them: each once, whole, and in OpenMetrics before the
/// <c># EOF</c> that still ends the answer.
/// </summary>
public sealed class CompletedAnswerTests
{
    private const string OpenMetricsAnswer =
        "# TYPE target info\n# HELP target Target metadata\ntarget_info{service_name=\"worker\"} 1\n" +
        "# TYPE app_requests counter\n# HELP app_requests Requests served\napp_requests_total{otel_scope_name=\"App\"} 3\n" +
        "# EOF\n";

    private const string TextAnswer =
        "# TYPE target_info gauge\n# HELP target_info Target metadata\ntarget_info{service_name=\"worker\"} 1\n" +
        "# TYPE app_requests_total counter\n# HELP app_requests_total Requests served\napp_requests_total{otel_scope_name=\"App\"} 3\n";

    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores")]
    [InlineData("application/openmetrics-text; version=0.0.1; charset=utf-8")]
    public void Openmetrics_answer_without_hatchet_families_gets_them_whole_between_its_last_family_and_eof(string contentType)
    {
        var format = ExpositionFormats.OfContentType(Encoding.ASCII.GetBytes(contentType));
        ExpositionFormats.IsOpenMetrics(format).Should().BeTrue();
        var health = DescribedHealth();

        var completed = Complete(OpenMetricsAnswer, health, format);

        var families = Encoding.UTF8.GetString(HatchetFamiliesWriter.WriteExposition(health, format));
        families.Should().StartWith("# TYPE hatchet_worker_actions gauge\n").And.EndWith("\n# EOF\n");
        completed.Should().Be(OpenMetricsAnswer[..^"# EOF\n".Length] + families);
        var lines = completed!.Split('\n');
        lines.Should().Contain("app_requests_total{otel_scope_name=\"App\"} 3").And.Contain("# TYPE hatchet_worker_actions gauge");
        Array.IndexOf(lines, "# TYPE hatchet_worker_actions gauge").Should().Be(Array.IndexOf(lines, "app_requests_total{otel_scope_name=\"App\"} 3") + 1);
        lines.Count(line => line == "# EOF").Should().Be(1);
        lines[^2].Should().Be("# EOF");
    }

    [Fact]
    public void Text_answer_without_hatchet_families_gets_them_at_its_end_without_units()
    {
        var health = DescribedHealth();

        var completed = Complete(TextAnswer, health, ExpositionFormat.PrometheusText);

        completed.Should().Be(TextAnswer + Encoding.UTF8.GetString(HatchetFamiliesWriter.WriteExposition(health, ExpositionFormat.PrometheusText)));
        completed.Should().NotContain("# UNIT").And.NotContain("# EOF");
    }

    [Fact]
    public void Openmetrics_answer_with_some_hatchet_families_gets_only_the_others_and_keeps_its_own()
    {
        var health = DescribedHealth();
        var status = "# TYPE hatchet_worker_status gauge\n# HELP hatchet_worker_status as the exporter wrote it\nhatchet_worker_status 7\n";
        var answer = OpenMetricsAnswer.Replace("# EOF\n", status + "# EOF\n", StringComparison.Ordinal);

        var completed = Complete(answer, health, ExpositionFormat.OpenMetrics);

        completed.Should().StartWith(answer[..^"# EOF\n".Length]).And.EndWith("# EOF\n");
        CountOf(completed!, "# TYPE hatchet_worker_status gauge\n").Should().Be(1);
        completed.Should().Contain("hatchet_worker_status 7\n").And.NotContain("hatchet_worker_status{");
        foreach (var name in new[] { "hatchet_worker_actions", "hatchet_worker_event_loop_lag_seconds", "hatchet_worker_listener_health", "hatchet_worker_slots" })
        {
            completed.Split('\n').Should().ContainSingle(line => line == $"# TYPE {name} gauge");
        }
    }

    [Fact]
    public void Answer_with_every_hatchet_family_is_left_as_it_is()
    {
        var health = DescribedHealth();
        var whole = OpenMetricsAnswer[..^"# EOF\n".Length] + Encoding.UTF8.GetString(HatchetFamiliesWriter.WriteExposition(health, ExpositionFormat.OpenMetrics));

        Complete(whole, health, ExpositionFormat.OpenMetrics).Should().BeNull();
    }

    [Fact]
    public void Any_answer_lacking_hatchet_families_is_completed_with_each_once_whole_and_eof_last()
    {
        // Property: from any mix of application families (some named like Hatchet ones), target_info and
        // Hatchet families as the exporter writes them, in any order and either format, the completed answer
        // is the answer before its # EOF, then each missing family whole (a line of its own for each of its
        // lines, # TYPE first), then # EOF once; completing it again adds nothing.
        var gen = Gen.Select(
            Gen.OneOf(Gen.Const(ExpositionFormat.OpenMetrics), Gen.Const(ExpositionFormat.OpenMetricsV0), Gen.Const(ExpositionFormat.PrometheusText), Gen.Const(ExpositionFormat.PrometheusTextV1)),
            Gen.Bool,
            Gen.Int[0, 31],
            Gen.OneOf("app_x", "hatchet_worker_status_total", "hatchet_worker", "target", "hatchet_worker_slots_free", "a").Array[0, 4],
            Gen.Bool,
            Gen.Int);
        gen.Sample((format, described, keep, decoys, withTargetInfo, seed) =>
        {
            var health = described ? DescribedHealth() : new ClockedHealth().Health;
            var openMetrics = ExpositionFormats.IsOpenMetrics(format);
            var hatchet = Blocks(Encoding.UTF8.GetString(HatchetFamiliesWriter.WriteExposition(health, format)));
            var present = hatchet.Where((_, i) => (keep & (1 << i)) != 0).ToList();
            var blocks = decoys.Select(name => $"# TYPE {name} gauge\n# HELP {name} decoy\n{name} 1\n").Concat(present).ToList();
            Shuffle(blocks, seed);
            var targetInfo = withTargetInfo ? (openMetrics ? "# TYPE target info\n" : "# TYPE target_info gauge\n") + "target_info{a=\"b\"} 1\n" : string.Empty;
            var answer = targetInfo + string.Concat(blocks) + (openMetrics ? "# EOF\n" : string.Empty);

            var completed = Complete(answer, health, format);

            var missing = hatchet.Except(present).ToList();
            if (missing.Count == 0)
            {
                completed.Should().BeNull();
                return;
            }

            var body = openMetrics ? answer[..^"# EOF\n".Length] : answer;
            completed.Should().Be(body + string.Concat(missing) + (openMetrics ? "# EOF\n" : string.Empty));
            foreach (var family in hatchet)
            {
                var typeLine = family[..(family.IndexOf('\n', StringComparison.Ordinal) + 1)];
                CountOf("\n" + completed, "\n" + typeLine).Should().Be(1, "{0} is in the completed answer once, its # TYPE line whole", typeLine);
            }

            completed!.Split('\n').Count(line => line == "# EOF").Should().Be(openMetrics ? 1 : 0);
            Complete(completed, health, format).Should().BeNull("a completed answer lacks nothing");
        }, iter: 3_000);
    }

    private static string? Complete(string answer, HatchetWorkerHealth health, ExpositionFormat format)
        => HatchetFamiliesWriter.Complete(Encoding.UTF8.GetBytes(answer), health, format) is { } completed ? Encoding.UTF8.GetString(completed) : null;

    private static HatchetWorkerHealth DescribedHealth()
    {
        var health = new ClockedHealth().Health;
        health.ReportThreadPoolLag(TimeSpan.FromMilliseconds(12.5));
        health.Describe(new HatchetWorkerDescription { Name = "completed", Slots = 4, Actions = ["a:one", "a:two"] });
        return health;
    }

    // The families of an exposition, each from its # TYPE line to the next.
    private static List<string> Blocks(string exposition)
    {
        var blocks = new List<string>();
        foreach (var line in exposition.Split('\n').Where(line => line.Length > 0 && line != "# EOF"))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                blocks.Add(string.Empty);
            }

            blocks[^1] += line + "\n";
        }

        return blocks;
    }

    private static void Shuffle(List<string> items, int seed)
    {
        var random = new Random(seed);
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
