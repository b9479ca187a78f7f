using System.Buffers.Text;

namespace OpenTelemetry.Hatchet.Http;

/// <summary>Writes an HTTP/1.1 response head and body into a buffer, without allocating.</summary>
internal static class HttpResponseWriter
{
    /// <summary>The media type of every plain-text answer the port gives.</summary>
    public static ReadOnlySpan<byte> PlainText => "text/plain; charset=utf-8"u8;

    /// <summary>Writes the response; returns its length, or -1 if <paramref name="destination"/> is too small.</summary>
    /// <param name="destination">Where the response goes.</param>
    /// <param name="status">The status code.</param>
    /// <param name="contentType">The body's media type.</param>
    /// <param name="body">The body; its length is sent even on <c>HEAD</c>, which leaves it out.</param>
    /// <param name="keepAlive">Whether the connection stays open for another request.</param>
    /// <param name="omitBody">True for <c>HEAD</c>.</param>
    /// <param name="extraHeader">One more header line without its line end, such as <c>Allow: GET, HEAD</c>, or empty.</param>
    public static int Write(Span<byte> destination, int status, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body, bool keepAlive, bool omitBody, ReadOnlySpan<byte> extraHeader = default)
    {
        var length = WriteHead(destination, status, contentType, body.Length, keepAlive, extraHeader);
        if (length < 0 || omitBody)
        {
            return length;
        }

        return body.TryCopyTo(destination[length..]) ? length + body.Length : -1;
    }

    /// <summary>Writes the status line and headers of a response whose body is sent separately.</summary>
    /// <returns>The head's length, or -1 if <paramref name="destination"/> is too small.</returns>
    public static int WriteHead(Span<byte> destination, int status, ReadOnlySpan<byte> contentType, int contentLength, bool keepAlive, ReadOnlySpan<byte> extraHeader = default)
    {
        var writer = new SpanWriter(destination);
        writer.Append("HTTP/1.1 "u8);
        writer.Append(status);
        writer.Append(" "u8);
        writer.Append(ReasonPhrase(status));
        writer.Append("\r\nContent-Type: "u8);
        writer.Append(contentType);
        writer.Append("\r\nContent-Length: "u8);
        writer.Append(contentLength);
        writer.Append("\r\nDate: "u8);
        writer.Append(HttpDate.Now);
        writer.Append("\r\nCache-Control: no-store\r\nConnection: "u8);
        writer.Append(keepAlive ? "keep-alive"u8 : "close"u8);
        if (!extraHeader.IsEmpty)
        {
            writer.Append("\r\n"u8);
            writer.Append(extraHeader);
        }

        writer.Append("\r\n\r\n"u8);
        return writer.Overflowed ? -1 : writer.Length;
    }

    private static ReadOnlySpan<byte> ReasonPhrase(int status) => status switch
    {
        200 => "OK"u8,
        400 => "Bad Request"u8,
        404 => "Not Found"u8,
        405 => "Method Not Allowed"u8,
        431 => "Request Header Fields Too Large"u8,
        500 => "Internal Server Error"u8,
        502 => "Bad Gateway"u8,
        503 => "Service Unavailable"u8,
        504 => "Gateway Timeout"u8,
        505 => "HTTP Version Not Supported"u8,
        _ => "Unknown"u8,
    };

    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> destination = destination;

        public int Length { get; private set; }

        public bool Overflowed { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (!bytes.TryCopyTo(this.destination[this.Length..]))
            {
                this.Overflowed = true;
                return;
            }

            this.Length += bytes.Length;
        }

        public void Append(int number)
        {
            if (!Utf8Formatter.TryFormat(number, this.destination[this.Length..], out var written))
            {
                this.Overflowed = true;
                return;
            }

            this.Length += written;
        }
    }
}
