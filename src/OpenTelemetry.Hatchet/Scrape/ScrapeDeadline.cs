using System.Buffers.Text;

namespace OpenTelemetry.Hatchet.Scrape;

/// <summary>How long a scrape may wait for the exporter: well inside the scraper's own timeout.</summary>
internal static class ScrapeDeadline
{
    /// <summary>Without <c>X-Prometheus-Scrape-Timeout-Seconds</c>: inside the 5 s Prometheus gives the seed's 5 s interval.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(4);

    /// <summary>The longest a client can make a scrape wait, whatever it says.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(100);

    // Left for the answer to travel and Prometheus to parse it.
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The time a scrape is given, from the value of its <c>X-Prometheus-Scrape-Timeout-Seconds</c> header
    /// (empty when absent): the smaller of 80 % of it and it less 0.5 s, between 0.1 s and <see cref="Longest"/>.
    /// </summary>
    public static TimeSpan Budget(ReadOnlySpan<byte> scrapeTimeoutSeconds)
    {
        var value = scrapeTimeoutSeconds.Trim(" \t"u8);
        if (value.IsEmpty || !Utf8Parser.TryParse(value, out double seconds, out var consumed) || consumed != value.Length
            || !double.IsFinite(seconds) || seconds <= 0)
        {
            return Default;
        }

        var timeout = TimeSpan.FromSeconds(Math.Min(seconds, Longest.TotalSeconds * 2));
        var budget = TimeSpan.FromTicks(Math.Min((long)(timeout.Ticks * 0.8), (timeout - Margin).Ticks));
        return budget < Shortest ? Shortest : budget > Longest ? Longest : budget;
    }
}
