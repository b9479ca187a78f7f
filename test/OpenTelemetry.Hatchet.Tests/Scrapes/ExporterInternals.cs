using System.Reflection;
using System.Text;
using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Resources;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// The OpenTelemetry Prometheus exporter's own content negotiation and <c>target_info</c> writer, called
/// through reflection so that property tests can ask the real exporter thousands of times a second (a
/// scrape of its listener per case would take minutes). Written against 1.20.1-beta.1: if an update moves
/// them, these throw, and the fallback's agreement with the exporter must be checked again.
/// </summary>
internal static class ExporterInternals
{
    private static readonly Assembly Exporter = typeof(PrometheusHttpListenerOptions).Assembly;

    private static readonly Type Protocol = Find("OpenTelemetry.Exporter.Prometheus.PrometheusProtocol");

    private static readonly MethodInfo ParseAccept = Method(Find("OpenTelemetry.Exporter.Prometheus.PrometheusHeadersParser"), "Negotiate");

    private static readonly MethodInfo ApplyTranslationStrategy = Method(Protocol, "ApplyTranslationStrategy");

    private static readonly MethodInfo GetContentType = Method(Protocol, "GetContentType");

    private static readonly MethodInfo GetSerializer = Method(Find("OpenTelemetry.Exporter.Prometheus.Serialization.TextFormatSerializer"), "GetSerializer");

    // The strategy the package leaves the exporter with: its default.
    private static readonly object DefaultStrategy = Enum.ToObject(Find("OpenTelemetry.Exporter.PrometheusTranslationStrategy"), 0);

    /// <summary>The <c>Content-Type</c> the exporter answers a request with this <c>Accept</c> header value with.</summary>
    public static string ContentTypeFor(string? accept)
    {
        var negotiated = ParseAccept.Invoke(null, [accept]);
        var applied = ApplyTranslationStrategy.Invoke(null, [negotiated, DefaultStrategy]);
        return (string)GetContentType.Invoke(null, [applied])!;
    }

    /// <summary>What the exporter writes for <paramref name="resource"/> at the start of an answer in <paramref name="format"/>.</summary>
    public static string TargetInfo(Resource resource, ExpositionFormat format)
    {
        var accept = Encoding.ASCII.GetString(ExpositionFormats.ContentType(format));
        var protocol = ApplyTranslationStrategy.Invoke(null, [ParseAccept.Invoke(null, [accept]), DefaultStrategy]);
        ContentTypeFor(accept).Should().Be(accept, "the exporter's protocol for the format's own content type is that format");
        var serializer = GetSerializer.Invoke(null, [protocol])!;
        var buffer = new byte[1 << 20];
        var written = (int)serializer.GetType().GetMethod("WriteTargetInfo", [typeof(byte[]), typeof(int), typeof(Resource)])!.Invoke(serializer, [buffer, 0, resource])!;
        return Encoding.UTF8.GetString(buffer, 0, written);
    }

    private static Type Find(string name)
        => Exporter.GetType(name, throwOnError: false)
            ?? throw new InvalidOperationException($"The exporter ({Exporter.GetName().Version}) has no {name}: check the fallback against this version anew.");

    private static MethodInfo Method(Type type, string name)
        => type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"The exporter's {type.Name} has no {name}: check the fallback against this version anew.");
}
