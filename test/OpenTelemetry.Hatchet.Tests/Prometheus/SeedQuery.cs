using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// The seed page's query, asked of a real Prometheus until its answer is the expected one. <c>or</c> keeps
/// every element of both sides whose labels differ, so while Prometheus has the worker's series the answer
/// holds that series and, beside it, the label-less 0 of <c>vector(0)</c>; once the series is gone (stale
/// after a failed scrape) only that 0 is left.
/// </summary>
internal static class SeedQuery
{
    // The first scrape waits for Prometheus's target discovery, which sends its first targets after about 5 s.
    private static readonly TimeSpan FirstScrapeTimeout = TimeSpan.FromSeconds(30);

    public static string For(string instance) => $$"""(hatchet_worker_status{instance="{{instance}}", job="hatchet"}) or vector(0)""";

    /// <summary>Waits until the answer holds the worker's own series, scraped from its target, with the given value.</summary>
    public static Task UntilWorkerSeriesAsync(PrometheusServer prometheus, string instance, double value)
        => Eventually.Until(
            () => prometheus.QueryAsync(For(instance)),
            answer => answer.Samples.Any(sample =>
                sample.Labels.GetValueOrDefault("__name__") == "hatchet_worker_status"
                && sample.Labels.GetValueOrDefault("instance") == instance
                && sample.Labels.GetValueOrDefault("job") == "hatchet"
                && sample.Value == value),
            $"the seed query to hold the worker's series at {value}",
            FirstScrapeTimeout);

    /// <summary>Waits until the answer is only <c>vector(0)</c>: Prometheus has no live series for the worker.</summary>
    public static Task UntilOnlyTheFallback0Async(PrometheusServer prometheus, string instance)
        => Eventually.Until(
            () => prometheus.QueryAsync(For(instance)),
            answer => answer.Samples is [{ Labels.Count: 0, Value: 0 }],
            "the seed query to answer only vector(0)'s 0");
}
