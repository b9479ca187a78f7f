using System.Buffers.Text;
using System.Text;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>The paths the healthcheck port answers.</summary>
internal enum HealthcheckPath
{
    Unknown,
    Health,
    Livez,
    Readyz,
    Metrics,
}

/// <summary>What a request asks for, read from its head without allocating.</summary>
/// <remarks>
/// Only what the healthcheck needs is kept: nothing of the request is ever written back, so a hostile
/// client cannot make the port reflect its input. The <c>Accept</c> header is kept as a range of the
/// buffer for <c>/metrics</c>, whose format the Prometheus exporter negotiates.
/// </remarks>
internal readonly record struct HttpRequestHead(
    int Length,
    bool IsGet,
    bool IsHead,
    HealthcheckPath Path,
    bool KeepAlive,
    bool HasBody,
    Range Accept)
{
    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>Reads one request head from the start of <paramref name="buffer"/>.</summary>
    /// <returns>
    /// <see cref="HttpParse.Complete"/> with the head, <see cref="HttpParse.Incomplete"/> when more bytes are
    /// needed, or the status code a malformed request is refused with.
    /// </returns>
    public static HttpParse TryParse(ReadOnlySpan<byte> buffer, out HttpRequestHead head)
    {
        head = default;
        var end = buffer.IndexOf(EndOfHead);

        // A head whose lines end in a bare line feed never holds the CRLF CRLF that ends a head: refused at
        // once (RFC 9112 allows it), such a client would otherwise wait out the request timeout for nothing.
        if (HasBareLineFeed(end < 0 ? buffer : buffer[..end]))
        {
            return HttpParse.BadRequest;
        }

        if (end < 0)
        {
            return HttpParse.Incomplete;
        }

        var lines = buffer[..end];
        var lineEnd = lines.IndexOf("\r\n"u8);
        var requestLine = lineEnd < 0 ? lines : lines[..lineEnd];
        var headers = lineEnd < 0 ? [] : lines[(lineEnd + 2)..];

        if (!TryParseRequestLine(requestLine, out var method, out var target, out var http11, out var refusal))
        {
            return refusal;
        }

        var keepAlive = http11;
        var hasBody = false;
        var accept = default(Range);
        var offset = lineEnd + 2;
        while (!headers.IsEmpty)
        {
            var next = headers.IndexOf("\r\n"u8);
            var line = next < 0 ? headers : headers[..next];
            var colon = line.IndexOf((byte)':');

            // A header needs a name with no space before its colon; folded (indented) lines are obsolete.
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
            {
                return HttpParse.BadRequest;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                keepAlive = http11 ? !ContainsToken(value, "close"u8) : ContainsToken(value, "keep-alive"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0)
                {
                    return HttpParse.BadRequest;
                }

                hasBody |= length > 0;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                hasBody = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Accept"u8))
            {
                var leadingSpace = line.Length - colon - 1 - line[(colon + 1)..].TrimStart(" \t"u8).Length;
                var start = offset + colon + 1 + leadingSpace;
                accept = start..(start + value.Length);
            }

            offset += line.Length + 2;
            headers = next < 0 ? [] : headers[(next + 2)..];
        }

        head = new HttpRequestHead(end + EndOfHead.Length, method.SequenceEqual("GET"u8), method.SequenceEqual("HEAD"u8), PathOf(target), keepAlive, hasBody, accept);
        return HttpParse.Complete;
    }

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> method, out ReadOnlySpan<byte> target, out bool http11, out HttpParse refusal)
    {
        method = target = default;
        http11 = false;
        refusal = HttpParse.BadRequest;
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            return false;
        }

        method = line[..firstSpace];
        target = line[(firstSpace + 1)..lastSpace];
        var version = line[(lastSpace + 1)..];
        if (!IsToken(method) || target.IndexOfAny((byte)' ', (byte)'\t') >= 0 || !version.StartsWith("HTTP/"u8))
        {
            return false;
        }

        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            http11 = true;
        }
        else if (!version.SequenceEqual("HTTP/1.0"u8))
        {
            refusal = HttpParse.VersionNotSupported;
            return false;
        }

        return true;
    }

    private static HealthcheckPath PathOf(ReadOnlySpan<byte> target)
    {
        // An absolute-form target (as sent to a proxy) names the path after its authority.
        if (target.StartsWith("http://"u8) || target.StartsWith("https://"u8))
        {
            var authority = target[(target.IndexOf("//"u8) + 2)..];
            var slash = authority.IndexOf((byte)'/');
            target = slash < 0 ? "/"u8 : authority[slash..];
        }

        var query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        return path.SequenceEqual("/health"u8) ? HealthcheckPath.Health
            : path.SequenceEqual("/livez"u8) ? HealthcheckPath.Livez
            : path.SequenceEqual("/readyz"u8) ? HealthcheckPath.Readyz
            : path.SequenceEqual("/metrics"u8) || path.SequenceEqual("/metrics/"u8) ? HealthcheckPath.Metrics
            : HealthcheckPath.Unknown;
    }

    private static bool ContainsToken(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (var range in list.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(list[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasBareLineFeed(ReadOnlySpan<byte> head)
    {
        for (var at = head.IndexOf((byte)'\n'); at >= 0; at = head.IndexOf((byte)'\n'))
        {
            if (at == 0 || head[at - 1] != (byte)'\r')
            {
                return true;
            }

            head = head[(at + 1)..];
        }

        return false;
    }

    // RFC 9110 token characters: visible ASCII except separators.
    private static bool IsToken(ReadOnlySpan<byte> text)
    {
        foreach (var c in text)
        {
            if (c <= 32 || c >= 127 || "\"(),/:;<=>?@[\\]{}"u8.Contains(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The outcome of reading a request head.</summary>
internal enum HttpParse
{
    Complete = 0,
    Incomplete = 1,
    BadRequest = 400,
    VersionNotSupported = 505,
}
