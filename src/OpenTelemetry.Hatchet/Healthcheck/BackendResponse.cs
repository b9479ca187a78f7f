using System.Buffers.Text;
using System.Text;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>Reads the Prometheus exporter's whole HTTP answer: its status, media type and body.</summary>
internal static class BackendResponse
{
    public static bool TryParse(ReadOnlySpan<byte> response, out int status, out ReadOnlySpan<byte> contentType, out ReadOnlySpan<byte> body)
    {
        status = 0;
        contentType = body = default;
        var end = response.IndexOf("\r\n\r\n"u8);
        if (end < 0 || !response.StartsWith("HTTP/1."u8) || response.Length < 12
            || !Utf8Parser.TryParse(response.Slice(9, 3), out status, out var digits) || digits != 3)
        {
            return false;
        }

        body = response[(end + 4)..];
        var chunked = false;
        foreach (var range in response[..end].Split("\r\n"u8))
        {
            var line = response[range];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8) && !value.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e))
            {
                contentType = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8)
                && Utf8Parser.TryParse(value, out int length, out _) && length >= 0 && length <= body.Length)
            {
                body = body[..length];
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = true;
            }
        }

        // The exporter answers with a Content-Length; an answer in chunks is not one we understand.
        return !chunked && !contentType.IsEmpty;
    }
}
