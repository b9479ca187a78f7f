using System.Text;
using OpenTelemetry.Hatchet.Http;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>Requests written as text, one byte a character (Latin-1), for the parser's direct tests.</summary>
internal static class RequestText
{
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static HttpParse Parse(string text) => HttpRequestHead.TryParse(Bytes(text), out _);

    public static HttpRequestHead Head(string text)
    {
        HttpRequestHead.TryParse(Bytes(text), out var head).Should().Be(HttpParse.Complete, "the request {0} is valid", Printable(text));
        return head;
    }

    public static string Printable(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
