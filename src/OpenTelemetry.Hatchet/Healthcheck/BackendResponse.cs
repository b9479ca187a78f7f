using System.Text;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>Reads the Prometheus exporter's whole HTTP answer: its status, media type and body.</summary>
internal static class BackendResponse
{
    /// <returns>
    /// False unless the answer is whole and understood: a status line <c>HTTP/1.x NNN</c>, a printable media
    /// type, no chunks, and a body at least as long as its <c>Content-Length</c> (a shorter one was cut off).
    /// </returns>
    public static bool TryParse(ReadOnlySpan<byte> response, out int status, out ReadOnlySpan<byte> contentType, out ReadOnlySpan<byte> body)
    {
        status = 0;
        contentType = body = default;
        var end = response.IndexOf("\r\n\r\n"u8);

        // "HTTP/1." DIGIT SP 3DIGIT, then SP and a reason or the end of the line (RFC 9112 §4).
        if (end < 12 || !response.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)response[7]) || response[8] != (byte)' '
            || response.Slice(9, 3).ContainsAnyExceptInRange((byte)'0', (byte)'9') || response[12] is not ((byte)' ' or (byte)'\r'))
        {
            return false;
        }

        status = ((response[9] - '0') * 100) + ((response[10] - '0') * 10) + (response[11] - '0');
        var content = response[(end + 4)..];
        var length = -1;
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
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                // Only digits, and one number: anything else leaves the body's end unknown.
                if (value.IsEmpty || value.Length > 9 || value.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
                {
                    return false;
                }

                var parsed = 0;
                foreach (var digit in value)
                {
                    parsed = (parsed * 10) + (digit - '0');
                }

                if (length >= 0 && length != parsed)
                {
                    return false;
                }

                length = parsed;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = true;
            }
        }

        // The exporter answers with a Content-Length; an answer in chunks is not one we understand.
        if (chunked || contentType.IsEmpty || length > content.Length)
        {
            status = 0;
            contentType = default;
            return false;
        }

        body = length < 0 ? content : content[..length];
        return true;
    }
}
