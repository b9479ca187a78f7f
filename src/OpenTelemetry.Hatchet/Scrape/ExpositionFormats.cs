using System.Globalization;
using System.Text;

namespace OpenTelemetry.Hatchet.Scrape;

/// <summary>Negotiates <see cref="ExpositionFormat"/> and names its media type as the exporter does.</summary>
internal static class ExpositionFormats
{
    /// <summary>
    /// The longest <c>Accept</c> the relay passes on to the exporter; a longer one, or one with a byte outside
    /// printable ASCII, is not passed on (<see cref="RelayedScrape"/>), and the exporter then answers text 0.0.4.
    /// </summary>
    public const int MaxForwardedAcceptLength = 512;

    private static readonly Version Latest = new(1, 0, 0);

    private static readonly Version TextFirst = new(0, 0, 4);

    private static readonly Version OpenMetricsFirst = new(0, 0, 1);

    /// <summary>The <c>Content-Type</c> the Prometheus exporter answers text 0.0.4 with.</summary>
    public static ReadOnlySpan<byte> PrometheusTextContentType => "text/plain; version=0.0.4; charset=utf-8"u8;

    /// <summary>The <c>Content-Type</c> the Prometheus exporter answers OpenMetrics 1.0.0 with.</summary>
    public static ReadOnlySpan<byte> OpenMetricsContentType => "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"u8;

    /// <summary>The <c>Content-Type</c> the Prometheus exporter answers OpenMetrics 0.0.1 with (no escaping before 1.0.0).</summary>
    public static ReadOnlySpan<byte> OpenMetricsV0ContentType => "application/openmetrics-text; version=0.0.1; charset=utf-8"u8;

    /// <summary>The <c>Content-Type</c> the Prometheus exporter answers text 1.0.0 with.</summary>
    public static ReadOnlySpan<byte> PrometheusTextV1ContentType => "text/plain; version=1.0.0; charset=utf-8; escaping=underscores"u8;

    public static ReadOnlySpan<byte> ContentType(ExpositionFormat format) => format switch
    {
        ExpositionFormat.OpenMetrics => OpenMetricsContentType,
        ExpositionFormat.OpenMetricsV0 => OpenMetricsV0ContentType,
        ExpositionFormat.PrometheusTextV1 => PrometheusTextV1ContentType,
        _ => PrometheusTextContentType,
    };

    /// <summary>Whether the relay passes <paramref name="accept"/> on to the exporter: printable ASCII of at most <see cref="MaxForwardedAcceptLength"/> bytes.</summary>
    public static bool IsPassedOn(ReadOnlySpan<byte> accept)
        => accept.Length <= MaxForwardedAcceptLength && !accept.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e);

    /// <summary>Whether <paramref name="format"/> is OpenMetrics: <c># UNIT</c> lines, <c># EOF</c> at the end.</summary>
    public static bool IsOpenMetrics(ExpositionFormat format)
        => format is ExpositionFormat.OpenMetrics or ExpositionFormat.OpenMetricsV0;

    /// <summary>The format of an answer whose media type is <paramref name="contentType"/>.</summary>
    public static ExpositionFormat OfContentType(ReadOnlySpan<byte> contentType)
    {
        if (StartsWithIgnoreCase(contentType, "application/openmetrics-text"u8))
        {
            return contentType.IndexOf("version=0.0.1"u8) >= 0 ? ExpositionFormat.OpenMetricsV0 : ExpositionFormat.OpenMetrics;
        }

        return StartsWithIgnoreCase(contentType, "text/plain"u8) && contentType.IndexOf("version=1.0.0"u8) >= 0
            ? ExpositionFormat.PrometheusTextV1
            : ExpositionFormat.PrometheusText;
    }

    /// <summary>
    /// The format the exporter answers a scrape with this <c>Accept</c> in, decided as the exporter's own
    /// parser decides (<c>PrometheusHeadersParser.Negotiate</c>, 1.20.1-beta.1): of the media ranges that
    /// are <c>text/plain</c> or <c>application/openmetrics-text</c> (any case) and whose parameters are all
    /// acceptable, the first with the highest quality. A <c>q</c> must be a plain decimal in (0, 1]; a
    /// <c>version</c> (quotes allowed) must be 0.0.4 or 1.0.0 for text, 0.0.1 or 1.0.0 for OpenMetrics; an
    /// <c>escaping</c> must be <c>underscores</c>, <c>dots</c>, <c>values</c> or <c>allow-utf-8</c> (exact
    /// case); other parameters are ignored. Without a version, text is 0.0.4 and OpenMetrics 1.0.0. Text
    /// 0.0.4 when no range is acceptable, and when the relay would not pass the value on.
    /// </summary>
    public static ExpositionFormat Negotiate(ReadOnlySpan<byte> accept)
    {
        if (!IsPassedOn(accept))
        {
            return ExpositionFormat.PrometheusText;
        }

        // The exporter reads the header as text: printable ASCII, one char a byte.
        Span<char> text = stackalloc char[accept.Length];
        Encoding.ASCII.GetChars(accept, text);

        var best = ExpositionFormat.PrometheusText;
        var bestQuality = double.NegativeInfinity;
        ReadOnlySpan<char> remaining = text;
        while (!remaining.IsEmpty)
        {
            var range = Next(ref remaining, ',');
            if (Read(range) is { } choice && choice.Quality > bestQuality)
            {
                (best, bestQuality) = (choice.Format, choice.Quality);
            }
        }

        return best;
    }

    // One media range, or null when the exporter would not take it.
    private static (ExpositionFormat Format, double Quality)? Read(ReadOnlySpan<char> range)
    {
        var mediaType = Next(ref range, ';').Trim();
        bool openMetrics;
        if (mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            openMetrics = false;
        }
        else if (mediaType.Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase))
        {
            openMetrics = true;
        }
        else
        {
            return null;
        }

        var quality = 1.0;
        bool? latest = null;
        while (!range.IsEmpty)
        {
            var parameter = Next(ref range, ';').Trim();
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
            {
                if (!double.TryParse(parameter[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quality) || quality is not (> 0 and <= 1))
                {
                    return null;
                }
            }
            else if (parameter.StartsWith("version=", StringComparison.OrdinalIgnoreCase))
            {
                // Compared as System.Version values, as the exporter does: "01.0.0" is 1.0.0, "1.0" is not.
                if (!Version.TryParse(Unquote(parameter[8..]), out var version))
                {
                    return null;
                }

                if (version == Latest)
                {
                    latest = true;
                }
                else if (version == (openMetrics ? OpenMetricsFirst : TextFirst))
                {
                    latest = false;
                }
                else
                {
                    return null;
                }
            }
            else if (parameter.StartsWith("escaping=", StringComparison.OrdinalIgnoreCase) && !IsEscapingScheme(Unquote(parameter[9..])))
            {
                return null;
            }
        }

        // Without a version, text is 0.0.4 and OpenMetrics 1.0.0.
        var format = (openMetrics, latest ?? openMetrics) switch
        {
            (true, true) => ExpositionFormat.OpenMetrics,
            (true, false) => ExpositionFormat.OpenMetricsV0,
            (false, true) => ExpositionFormat.PrometheusTextV1,
            (false, false) => ExpositionFormat.PrometheusText,
        };
        return (format, quality);
    }

    private static bool IsEscapingScheme(ReadOnlySpan<char> value)
        => value is "underscores" or "dots" or "values" or "allow-utf-8";

    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> value)
        => value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    private static ReadOnlySpan<char> Next(ref ReadOnlySpan<char> text, char separator)
    {
        var at = text.IndexOf(separator);
        var piece = at < 0 ? text : text[..at];
        text = at < 0 ? [] : text[(at + 1)..];
        return piece;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
        => text.Length >= prefix.Length && Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix);
}
