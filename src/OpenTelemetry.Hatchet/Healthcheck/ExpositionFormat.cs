using System.Buffers.Text;
using System.Text;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// The two exposition formats the <c>/metrics</c> fallback can write, and which one a request's
/// <c>Accept</c> header asks for.
/// </summary>
internal enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4, what the exporter writes when nothing else is asked for.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0.0, what Prometheus asks for first; ends with <c># EOF</c>.</summary>
    OpenMetrics,
}

/// <summary>Negotiates <see cref="ExpositionFormat"/> and names its media type as the exporter does.</summary>
internal static class ExpositionFormats
{
    /// <summary>The <c>Content-Type</c> the Prometheus exporter answers text 0.0.4 with.</summary>
    public static ReadOnlySpan<byte> PrometheusTextContentType => "text/plain; version=0.0.4; charset=utf-8"u8;

    /// <summary>The <c>Content-Type</c> the Prometheus exporter answers OpenMetrics 1.0.0 with.</summary>
    public static ReadOnlySpan<byte> OpenMetricsContentType => "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"u8;

    public static ReadOnlySpan<byte> ContentType(ExpositionFormat format)
        => format == ExpositionFormat.OpenMetrics ? OpenMetricsContentType : PrometheusTextContentType;

    /// <summary>The format of an answer whose media type is <paramref name="contentType"/>.</summary>
    public static ExpositionFormat OfContentType(ReadOnlySpan<byte> contentType)
        => StartsWithIgnoreCase(contentType, "application/openmetrics-text"u8) ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText;

    /// <summary>
    /// OpenMetrics when the media range with the highest quality (the first of equals) is
    /// <c>application/openmetrics-text</c> without a version or with version 1.0.0; text 0.0.4 otherwise,
    /// which every Prometheus accepts.
    /// </summary>
    public static ExpositionFormat Negotiate(ReadOnlySpan<byte> accept)
    {
        var best = ExpositionFormat.PrometheusText;
        var bestQuality = -1.0;
        foreach (var range in accept.Split((byte)','))
        {
            var mediaRange = accept[range];
            var parameters = mediaRange.IndexOf((byte)';');
            var mediaType = (parameters < 0 ? mediaRange : mediaRange[..parameters]).Trim(" \t"u8);
            var openMetrics = Ascii.EqualsIgnoreCase(mediaType, "application/openmetrics-text"u8);
            if (!openMetrics && !Ascii.EqualsIgnoreCase(mediaType, "text/plain"u8))
            {
                continue;
            }

            var quality = 1.0;
            var usable = true;
            if (parameters >= 0)
            {
                var rest = mediaRange[(parameters + 1)..];
                foreach (var parameterRange in rest.Split((byte)';'))
                {
                    var parameter = rest[parameterRange].Trim(" \t"u8);
                    if (StartsWithIgnoreCase(parameter, "q="u8))
                    {
                        usable &= Utf8Parser.TryParse(parameter[2..], out quality, out var consumed) && consumed == parameter.Length - 2 && quality is > 0 and <= 1;
                    }
                    else if (StartsWithIgnoreCase(parameter, "version="u8))
                    {
                        var version = parameter[8..].Trim("\""u8);
                        usable &= openMetrics ? version.SequenceEqual("1.0.0"u8) : version.SequenceEqual("0.0.4"u8);
                    }
                }
            }

            if (usable && quality > bestQuality)
            {
                bestQuality = quality;
                best = openMetrics ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText;
            }
        }

        return best;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
        => text.Length >= prefix.Length && Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix);
}
