using System.Globalization;
using System.Text.RegularExpressions;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>Reads the samples of a Prometheus text scrape: a family's samples summed over the series whose labels match.</summary>
internal static class ScrapedSamples
{
    /// <summary>The sum of <paramref name="metric"/>'s samples whose labels contain every one of <paramref name="labels"/> (0 when there is none).</summary>
    public static double Sum(string scrape, string metric, params string[] labels)
    {
        var sum = 0.0;
        foreach (Match match in Regex.Matches(scrape, $@"(?m)^{Regex.Escape(metric)}(?<labels>\{{[^}}]*\}})? (?<value>\S+)$"))
        {
            if (labels.All(label => match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                sum += double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>Whether the scrape holds any sample of <paramref name="metric"/> (its HELP and TYPE lines are not samples).</summary>
    public static bool Has(string scrape, string metric)
        => Regex.IsMatch(scrape, $@"(?m)^{Regex.Escape(metric)}(\{{[^}}]*\}})? \S+$");
}
