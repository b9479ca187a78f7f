using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace StarvationProbe;

/// <summary>
/// Turns a run's probes into the rows of the report: per path and phase, the latencies, timeouts and
/// answers seen; when the worker first said it was starved; how soon after the release it was healthy again.
/// </summary>
internal static class RunSummary
{
    private enum Phase
    {
        Baseline,
        Saturated,
        AfterRelease,
    }

    public static IEnumerable<(string Key, string Value)> Rows(RunRecord run)
    {
        yield return ("lag threshold in effect", run.Threshold);
        yield return ("thread pool at the release", string.Create(
            CultureInfo.InvariantCulture,
            $"{run.PoolThreadsAtRelease} threads; {run.ItemsStartedAtRelease} of {run.ItemsQueued} blocking items had started"));

        foreach (var path in run.Paths)
        {
            // A path the server does not serve gets the same rows, so the runs line up side by side.
            var results = path.Results;
            string Or(Func<IReadOnlyList<ProbeResult>, string> value) => results is null ? "not served (404)" : value(results);

            foreach (var phase in Enum.GetValues<Phase>())
            {
                yield return ($"{path.Path} {PhaseName(phase)}", Or(all => PhaseStatistics([.. all.Where(result => PhaseOf(run, result) == phase)], path.Timeout)));
            }

            var rules = Rules.For(path.Path);
            yield return (
                $"{path.Path}: start → first {rules.StarvedName}",
                Or(all => Seconds(run.SaturationStart, all.FirstOrDefault(result => result.EndedAt >= run.SaturationStart && rules.SaysStarved(result))?.EndedAt)));
            yield return (
                $"{path.Path}: start → first probe left unanswered (sent)",
                Or(all => Seconds(run.SaturationStart, all.FirstOrDefault(result => result.EndedAt >= run.SaturationStart && !result.Answered)?.SentAt)));
            yield return (
                $"{path.Path}: release → first {rules.HealthyName}",
                Or(all => Seconds(run.Release, all.FirstOrDefault(result => result.EndedAt >= run.Release && result.StatusCode == 200)?.EndedAt)));
        }
    }

    /// <summary>The probes of each path as runs of the same outcome, timed from the start of the saturation.</summary>
    public static IEnumerable<string> Timeline(RunRecord run)
    {
        yield return string.Create(CultureInfo.InvariantCulture, $"times in s from the start of the saturation; release at +{Stopwatch.GetElapsedTime(run.SaturationStart, run.Release).TotalSeconds:F1}");
        foreach (var path in run.Paths.Where(path => path.Results is { Count: > 0 }))
        {
            var results = path.Results!;
            var start = 0;
            for (var i = 1; i <= results.Count; i++)
            {
                if (i < results.Count && results[i].Outcome == results[start].Outcome)
                {
                    continue;
                }

                var span = results.Skip(start).Take(i - start).Select(result => result.LatencyMilliseconds).ToList();
                yield return string.Create(
                    CultureInfo.InvariantCulture,
                    $"{path.Path,-8} {Offset(run, results[start].SentAt),7} .. {Offset(run, results[i - 1].SentAt),7}  {results[start].Outcome,-16} x{i - start,-4} latency {Milliseconds(span.Min())} .. {Milliseconds(span.Max())} ms");
                start = i;
            }
        }
    }

    // A probe still in flight when the first item is queued belongs to the saturation, not the baseline.
    private static Phase PhaseOf(RunRecord run, ProbeResult result)
        => result.EndedAt < run.SaturationStart ? Phase.Baseline : result.SentAt < run.Release ? Phase.Saturated : Phase.AfterRelease;

    private static string PhaseName(Phase phase) => phase switch
    {
        Phase.Baseline => "baseline",
        Phase.Saturated => "saturated",
        _ => "after release",
    };

    private static string PhaseStatistics(IReadOnlyList<ProbeResult> results, TimeSpan timeout)
    {
        var text = new StringBuilder(Count(results.Count, "probe"));
        var latencies = results.Where(result => result.Answered).Select(result => result.LatencyMilliseconds).Order().ToList();
        if (latencies.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; answered: median {Milliseconds(latencies[latencies.Count / 2])} ms, worst {Milliseconds(latencies[^1])} ms");
        }

        text.Append("; ").Append(Count(results.Count(result => result.TimedOut), "timeout")).Append(CultureInfo.InvariantCulture, $" ({timeout.TotalSeconds:0.#} s)");
        var outcomes = results.GroupBy(result => result.Outcome).Select(group => string.Create(CultureInfo.InvariantCulture, $"{group.Key} x{group.Count()}"));
        return text.Append("; ").AppendJoin(", ", outcomes).ToString();
    }

    private static string Count(int count, string noun)
        => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

    private static string Seconds(long from, long? to)
        => to is { } end ? string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(from, end).TotalSeconds:F2} s") : "never";

    private static string Offset(RunRecord run, long timestamp)
    {
        var seconds = Stopwatch.GetElapsedTime(run.SaturationStart, timestamp).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"{(seconds < 0 ? "-" : "+")}{Math.Abs(seconds):F1}");
    }

    private static string Milliseconds(double value) => value.ToString(value < 10 ? "0.00" : value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    /// <summary>What counts, for one path, as an answer that the worker is starved, and as a healthy answer.</summary>
    private sealed record Rules(string StarvedName, Func<ProbeResult, bool> SaysStarved, string HealthyName)
    {
        public static Rules For(string path) => path switch
        {
            "/health" => new("UNHEALTHY", result => result.BodyStatus == "UNHEALTHY", "200 HEALTHY"),
            "/metrics" => new("hatchet_worker_status 0", result => result.BodyStatus == "hatchet_worker_status=0", "200"),
            _ => new("503", result => result.StatusCode == 503, "200"),
        };
    }
}
