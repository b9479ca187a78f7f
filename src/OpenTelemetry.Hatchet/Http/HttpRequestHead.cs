using System.Buffers;
using System.Text;

namespace OpenTelemetry.Hatchet.Http;

/// <summary>What a request asks for, read from its head without allocating.</summary>
/// <remarks>
/// Only what the healthcheck needs is kept: nothing of the request is ever written back, so a hostile
/// client cannot make the port reflect its input. The <c>Accept</c> and <c>X-Prometheus-Scrape-Timeout-Seconds</c>
/// headers are kept as ranges of the buffer for <c>/metrics</c>: the Prometheus exporter negotiates the format
/// from the first, and the second says how long the scraper waits.
/// <para>
/// The head is read line by line, left to right, and refused at the first line RFC 9112 forbids, so a
/// request that arrives in pieces gets the answer it would get whole, and as soon as the answer is
/// certain: a request line that no more bytes can make valid (a TLS ClientHello, another protocol's
/// greeting) is refused before its line ends.
/// </para>
/// </remarks>
internal readonly record struct HttpRequestHead(
    int Length,
    bool IsGet,
    bool IsHead,
    HealthcheckPath Path,
    bool KeepAlive,
    bool HasBody,
    Range Accept,
    Range ScrapeTimeout)
{
    // RFC 9110 §5.6.2 tchar.
    private static readonly SearchValues<byte> TokenBytes = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    // RFC 3986 pchar and query characters (unreserved, sub-delims, ":", "@", "/", "?", and "%" of pct-encoded),
    // plus "[" and "]" of an IP literal in an absolute-form target's authority.
    private static readonly SearchValues<byte> TargetBytes = SearchValues.Create("!$%&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~"u8);

    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef"u8);

    // RFC 3986 reg-name and IP literal characters, for Host.
    private static readonly SearchValues<byte> HostBytes = SearchValues.Create("!$%&'()*+,-.0123456789:;=ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~"u8);

    /// <summary>Reads one request head from the start of <paramref name="buffer"/>.</summary>
    /// <returns>
    /// <see cref="HttpParse.Complete"/> with the head, <see cref="HttpParse.Incomplete"/> when more bytes are
    /// needed, or the status code a malformed request is refused with.
    /// </returns>
    public static HttpParse TryParse(ReadOnlySpan<byte> buffer, out HttpRequestHead head)
    {
        head = default;
        var lineEnd = buffer.IndexOf((byte)'\n');
        var requestLine = new RequestLine(lineEnd < 0 ? buffer : buffer[..lineEnd], complete: lineEnd >= 0);
        if (requestLine.Refusal != HttpParse.Complete)
        {
            return requestLine.Refusal;
        }

        if (lineEnd < 0)
        {
            return HttpParse.Incomplete;
        }

        var fields = new Fields(requestLine.Http11);
        var offset = lineEnd + 1;
        while (true)
        {
            var next = buffer[offset..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return HttpParse.Incomplete;
            }

            // A bare line feed ends a line RFC 9112 allows a server to refuse; a client that sends them
            // would otherwise wait out the request timeout for the CRLF CRLF that never comes.
            if (next == 0 || buffer[offset + next - 1] != (byte)'\r')
            {
                return HttpParse.BadRequest;
            }

            var line = buffer.Slice(offset, next - 1);
            if (line.IsEmpty)
            {
                break;
            }

            if (!fields.Read(line, offset, buffer))
            {
                return HttpParse.BadRequest;
            }

            offset += next + 1;
        }

        if (!fields.IsValidAtEnd)
        {
            return HttpParse.BadRequest;
        }

        var method = buffer[requestLine.Method];
        head = new HttpRequestHead(
            offset + 2,
            method.SequenceEqual("GET"u8),
            method.SequenceEqual("HEAD"u8),
            PathOf(buffer[requestLine.Target]),
            fields.KeepAlive,
            fields.HasBody,
            fields.Accept,
            fields.ScrapeTimeout);
        return HttpParse.Complete;
    }

    private static HealthcheckPath PathOf(ReadOnlySpan<byte> target)
    {
        // An absolute-form target (as sent to a proxy) names the path after its authority.
        if (StartsWithIgnoreCase(target, "http://"u8) || StartsWithIgnoreCase(target, "https://"u8))
        {
            var authority = target[(target.IndexOf("//"u8) + 2)..];
            var slash = authority.IndexOfAny((byte)'/', (byte)'?');
            target = slash < 0 || authority[slash] == (byte)'?' ? "/"u8 : authority[slash..];
        }

        var query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        return path.SequenceEqual("/health"u8) ? HealthcheckPath.Health
            : path.SequenceEqual("/livez"u8) ? HealthcheckPath.Livez
            : path.SequenceEqual("/readyz"u8) ? HealthcheckPath.Readyz
            : path.SequenceEqual("/metrics"u8) || path.SequenceEqual("/metrics/"u8) ? HealthcheckPath.Metrics
            : HealthcheckPath.Unknown;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
        => text.Length >= prefix.Length && Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix);

    private static bool IsToken(ReadOnlySpan<byte> text) => !text.IsEmpty && !text.ContainsAnyExcept(TokenBytes);

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

    /// <summary>
    /// <c>method SP request-target SP HTTP-version CR</c> (RFC 9112 §3), or as much of it as has arrived:
    /// refused at the first byte no request line may have there.
    /// </summary>
    private ref struct RequestLine
    {
        public RequestLine(ReadOnlySpan<byte> line, bool complete)
        {
            this.Refusal = HttpParse.BadRequest;
            var methodEnd = line.IndexOfAnyExcept(TokenBytes);
            if (methodEnd < 0)
            {
                this.Refusal = complete ? HttpParse.BadRequest : HttpParse.Complete;
                return;
            }

            if (methodEnd == 0 || line[methodEnd] != (byte)' ')
            {
                return;
            }

            this.Method = ..methodEnd;
            var targetStart = methodEnd + 1;
            var rest = line[targetStart..];
            var targetLength = rest.IndexOfAnyExcept(TargetBytes);
            var target = targetLength < 0 ? rest : rest[..targetLength];
            if (!IsPercentEncodingValid(target, ended: targetLength >= 0))
            {
                return;
            }

            if (targetLength < 0)
            {
                this.Refusal = complete ? HttpParse.BadRequest : HttpParse.Complete;
                return;
            }

            if (targetLength == 0 || rest[targetLength] != (byte)' ' || !IsTargetForm(target))
            {
                return;
            }

            this.Target = targetStart..(targetStart + targetLength);
            this.Refusal = this.ReadVersion(rest[(targetLength + 1)..], complete);
        }

        public HttpParse Refusal { get; private set; }

        public Range Method { get; private set; }

        public Range Target { get; private set; }

        /// <summary>Gets a value indicating whether the version is HTTP/1.1 or a later 1.x, read as 1.1 (RFC 9110 §6.2).</summary>
        public bool Http11 { get; private set; }

        // Origin-form ("/path?query"), asterisk-form ("*"), or absolute- or authority-form ("scheme:..." or "host:port").
        private static bool IsTargetForm(ReadOnlySpan<byte> target)
            => target[0] == (byte)'/'
            || target.SequenceEqual("*"u8)
            || (char.IsAsciiLetter((char)target[0]) && target.IndexOf((byte)':') > 0);

        // "%" is followed by two hexadecimal digits, or by as many as have arrived while the target goes on.
        private static bool IsPercentEncodingValid(ReadOnlySpan<byte> target, bool ended)
        {
            for (var at = target.IndexOf((byte)'%'); at >= 0; at = target.IndexOf((byte)'%'))
            {
                var digits = target.Slice(at + 1, Math.Min(2, target.Length - at - 1));
                if (digits.ContainsAnyExcept(HexDigits) || (ended && digits.Length < 2))
                {
                    return false;
                }

                target = target[(at + 1)..];
            }

            return true;
        }

        // "HTTP/" DIGIT "." DIGIT then CR. A major version other than 1 is answered 505 however it goes on.
        private HttpParse ReadVersion(ReadOnlySpan<byte> version, bool complete)
        {
            var name = "HTTP/"u8;
            var known = Math.Min(version.Length, name.Length);
            if (!version[..known].SequenceEqual(name[..known]))
            {
                return HttpParse.BadRequest;
            }

            if (version.Length <= name.Length)
            {
                return complete ? HttpParse.BadRequest : HttpParse.Complete;
            }

            if (!char.IsAsciiDigit((char)version[5]))
            {
                return HttpParse.BadRequest;
            }

            if (version[5] != (byte)'1')
            {
                var after = version[6..];
                var crAt = after.IndexOf((byte)'\r');
                var visible = crAt < 0 ? after : after[..crAt];
                if (visible.ContainsAnyExceptInRange((byte)0x21, (byte)0x7e) || (crAt >= 0 && crAt != after.Length - 1))
                {
                    return HttpParse.BadRequest;
                }

                return !complete ? HttpParse.Complete : crAt >= 0 ? HttpParse.VersionNotSupported : HttpParse.BadRequest;
            }

            // "1" "." DIGIT CR, each byte checked as it arrives.
            var pattern = "1.0\r"u8;
            for (var i = 5; i < version.Length; i++)
            {
                var expected = i - 5 < pattern.Length ? pattern[i - 5] : (byte)0;
                var ok = expected == (byte)'0' ? char.IsAsciiDigit((char)version[i]) : version[i] == expected && expected != 0;
                if (!ok)
                {
                    return HttpParse.BadRequest;
                }
            }

            if (version.Length < 5 + pattern.Length)
            {
                return complete ? HttpParse.BadRequest : HttpParse.Complete;
            }

            this.Http11 = version[7] != (byte)'0';
            return HttpParse.Complete;
        }
    }

    /// <summary>The header fields read so far, and what RFC 9110 and 9112 require of them together.</summary>
    private ref struct Fields
    {
        private readonly bool http11;
        private int hosts;
        private Range contentLength;
        private bool hasContentLength;
        private bool hasTransferEncoding;
        private bool endsChunked;

        public Fields(bool http11)
        {
            this.http11 = http11;
            this.KeepAlive = http11;
        }

        public bool KeepAlive { get; private set; }

        public bool HasBody { get; private set; }

        public Range Accept { get; private set; }

        public Range ScrapeTimeout { get; private set; }

        /// <summary>Gets a value indicating whether the fields make a request RFC 9112 allows, once all are read.</summary>
        public readonly bool IsValidAtEnd
            => (!this.http11 || this.hosts == 1)
            && !(this.hasTransferEncoding && (this.hasContentLength || !this.endsChunked));

        /// <summary>Reads one field line (without its CRLF) found at <paramref name="offset"/> of <paramref name="buffer"/>.</summary>
        /// <returns>False when RFC 9112 has the request refused.</returns>
        public bool Read(ReadOnlySpan<byte> line, int offset, ReadOnlySpan<byte> buffer)
        {
            // A field name is a token right before its colon: no whitespace before the colon (RFC 9112 §5.1),
            // no whitespace before the name (obsolete line folding, §5.2).
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                return false;
            }

            // A value holds visible characters, spaces, tabs and obs-text; CR, NUL and other controls are refused (RFC 9110 §5.5).
            var raw = line[(colon + 1)..];
            if (raw.IndexOfAnyInRange((byte)0x00, (byte)0x08) >= 0 || raw.IndexOfAnyInRange((byte)0x0a, (byte)0x1f) >= 0 || raw.Contains((byte)0x7f))
            {
                return false;
            }

            var leading = raw.Length - raw.TrimStart(" \t"u8).Length;
            var value = raw.Trim(" \t"u8);
            var start = offset + colon + 1 + leading;
            var name = line[..colon];
            if (Ascii.EqualsIgnoreCase(name, "Host"u8))
            {
                // RFC 9112 §3.2: at most one Host, and a valid one.
                return ++this.hosts == 1 && IsHost(value);
            }

            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                return this.ReadContentLength(value, start, buffer);
            }

            if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                this.HasBody = this.hasTransferEncoding = true;
                if (LastElement(value) is { IsEmpty: false } coding)
                {
                    var parameters = coding.IndexOf((byte)';');
                    this.endsChunked = Ascii.EqualsIgnoreCase((parameters < 0 ? coding : coding[..parameters]).TrimEnd(" \t"u8), "chunked"u8);
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                this.KeepAlive = this.http11 ? !ContainsToken(value, "close"u8) : ContainsToken(value, "keep-alive"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Accept"u8))
            {
                this.Accept = start..(start + value.Length);
            }
            else if (Ascii.EqualsIgnoreCase(name, "X-Prometheus-Scrape-Timeout-Seconds"u8))
            {
                this.ScrapeTimeout = start..(start + value.Length);
            }

            return true;
        }

        // uri-host [ ":" port ] (RFC 9110 §7.2), or empty.
        private static bool IsHost(ReadOnlySpan<byte> value)
        {
            if (value.ContainsAnyExcept(HostBytes))
            {
                return false;
            }

            var host = value;
            if (value.StartsWith("["u8))
            {
                var close = value.IndexOf((byte)']');
                if (close < 0 || value[1..close].ContainsAny("[]"u8))
                {
                    return false;
                }

                host = value[..(close + 1)];
            }
            else if (value.IndexOf((byte)':') is var colon and >= 0)
            {
                host = value[..colon];
            }

            if (!value.StartsWith("["u8) && host.ContainsAny("[]"u8))
            {
                return false;
            }

            var port = value[host.Length..];
            return port.IsEmpty || (port[0] == (byte)':' && !port[1..].ContainsAnyExceptInRange((byte)'0', (byte)'9'));
        }

        private static ReadOnlySpan<byte> LastElement(ReadOnlySpan<byte> list)
        {
            var elements = list.TrimEnd(" \t,"u8);
            return elements[(elements.LastIndexOf((byte)',') + 1)..].Trim(" \t"u8);
        }

        // 1*DIGIT, or a list of the same number repeated (RFC 9110 §8.6); every Content-Length names the same
        // number, or the body's end is unknowable and the request is refused (RFC 9112 §6.3).
        private bool ReadContentLength(ReadOnlySpan<byte> value, int start, ReadOnlySpan<byte> buffer)
        {
            var any = false;
            foreach (var range in value.Split((byte)','))
            {
                var element = value[range].Trim(" \t"u8);
                if (element.IsEmpty)
                {
                    continue;
                }

                if (element.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
                {
                    return false;
                }

                // Compared as digits without leading zeros, so no value is too large to compare.
                var digits = element.TrimStart("0"u8);
                var (elementStart, _) = range.GetOffsetAndLength(value.Length);
                var at = start + elementStart + (value[range].Length - value[range].TrimStart(" \t"u8).Length) + (element.Length - digits.Length);
                if (this.hasContentLength && !buffer[this.contentLength].SequenceEqual(digits))
                {
                    return false;
                }

                this.contentLength = at..(at + digits.Length);
                this.hasContentLength = any = true;
                this.HasBody |= !digits.IsEmpty;
            }

            return any;
        }
    }
}
