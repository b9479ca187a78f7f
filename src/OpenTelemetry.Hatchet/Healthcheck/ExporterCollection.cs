using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// One request to the Prometheus exporter's private listener, driven without blocking by the forwarder's
/// thread: connect (or reuse the connection the last one left open), send, read the answer, within
/// <see cref="MetricsForwarder.CollectionLimit"/>.
/// </summary>
/// <remarks>
/// The connection is HTTP/1.1 and kept alive: a new loopback connection per scrape, accepted through the
/// exporter's HttpListener, costs more than the scrape itself when the exporter answers from its cache.
/// </remarks>
internal sealed class ExporterCollection : IDisposable
{
    private const int MaxResponseLength = 32 * 1024 * 1024;
    private const int MaxAcceptLength = 512;

    private readonly byte[] request;
    private readonly long started;
    private byte[] response = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int length;
    private int expected = -1;
    private bool sent;
    private Socket? socket;

    private ExporterCollection(Socket socket, bool reused, int port, string accept, byte[] request, long started)
    {
        this.socket = socket;
        this.Reused = reused;
        this.Port = port;
        this.Accept = accept;
        this.request = request;
        this.started = started;
    }

    public Socket Socket => this.socket ?? throw new ObjectDisposedException(nameof(ExporterCollection));

    public int Port { get; }

    /// <summary>Gets when the collection began (<see cref="Environment.TickCount64"/>): its answer is no older.</summary>
    public long Started => this.started;

    /// <summary>Gets a value indicating whether the request is still to be sent: the socket is waited on for writing, not reading.</summary>
    public bool Connecting => !this.sent;

    /// <summary>Gets a value indicating whether the connection was left open by an earlier collection.</summary>
    public bool Reused { get; }

    /// <summary>Gets a value indicating whether the answer is whole and the exporter keeps the connection open for the next one.</summary>
    public bool Reusable { get; private set; }

    /// <summary>Gets the <c>Accept</c> value the exporter is asked with; scrapes that sent the same share the answer.</summary>
    public string Accept { get; }

    /// <summary>The <c>Accept</c> value passed on to the exporter: the client's, if it is short printable ASCII.</summary>
    public static string AcceptKey(ReadOnlySpan<byte> accept)
        => accept.Length is > 0 and <= MaxAcceptLength && !accept.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e)
            ? Encoding.ASCII.GetString(accept)
            : string.Empty;

    /// <summary>Starts a collection on <paramref name="idle"/>, a connection an earlier one left open, or else on a new connection.</summary>
    /// <exception cref="SocketException">A new connection is refused at once.</exception>
    public static ExporterCollection Start(int port, string accept, long now, Socket? idle)
    {
        var text = new StringBuilder($"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
        if (accept.Length > 0)
        {
            text.Append("Accept: ").Append(accept).Append("\r\n");
        }

        var request = Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
        if (idle is not null)
        {
            return new ExporterCollection(idle, reused: true, port, accept, request, now);
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // Completes in the background; Pump sends once the socket is writable.
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ExporterCollection(socket, reused: false, port, accept, request, now);
    }

    /// <summary>Moves the exchange on as far as it can without waiting.</summary>
    /// <returns>The result once the exporter has answered or failed, else <see langword="null"/>.</returns>
    public CollectionResult? Pump(long now)
    {
        if (now - this.started > (long)MetricsForwarder.CollectionLimit.TotalMilliseconds)
        {
            return CollectionResult.Failed($"the Prometheus exporter did not answer within {MetricsForwarder.CollectionLimit.TotalSeconds:0} s");
        }

        if (!this.sent)
        {
            if (!this.Socket.Poll(0, SelectMode.SelectWrite))
            {
                return null;
            }

            var sentBytes = this.Socket.Send(this.request, SocketFlags.None, out var sendError);
            if (sendError != SocketError.Success || sentBytes != this.request.Length)
            {
                return this.Reused ? CollectionResult.Stale : CollectionResult.Failed($"the Prometheus exporter could not be asked: {sendError}");
            }

            this.sent = true;
        }

        while (true)
        {
            if (this.length == this.response.Length)
            {
                if (this.length >= MaxResponseLength)
                {
                    return CollectionResult.Failed($"the Prometheus exporter's answer is over {MaxResponseLength} bytes");
                }

                var larger = ArrayPool<byte>.Shared.Rent(this.length * 2);
                this.response.AsSpan(0, this.length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(this.response);
                this.response = larger;
            }

            var read = this.Socket.Receive(this.response, this.length, this.response.Length - this.length, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return null;
            }

            // A kept-alive connection the exporter has closed meanwhile answers nothing: the caller asks again on a new one.
            if (this.Reused && this.length == 0 && (error != SocketError.Success || read == 0))
            {
                return CollectionResult.Stale;
            }

            if (error != SocketError.Success)
            {
                return CollectionResult.Failed($"the Prometheus exporter's connection failed: {error}");
            }

            if (read == 0)
            {
                return this.Parse(this.length, reusable: false);
            }

            this.length += read;
            if (this.expected < 0)
            {
                this.expected = ExpectedLength(this.response.AsSpan(0, this.length));
            }

            if (this.expected >= 0 && this.length >= this.expected)
            {
                return this.Parse(this.expected, reusable: this.length == this.expected);
            }
        }
    }

    /// <summary>Hands over the connection, to be kept for the next collection.</summary>
    public Socket Detach()
    {
        var detached = this.Socket;
        this.socket = null;
        return detached;
    }

    public void Dispose()
    {
        this.socket?.Dispose();
        this.socket = null;
        ArrayPool<byte>.Shared.Return(this.response);
        this.response = [];
    }

    // The whole answer's length once its head has arrived: head plus Content-Length; -1 while unknown, or
    // when the answer has no length and ends with the connection.
    private static int ExpectedLength(ReadOnlySpan<byte> received)
    {
        var end = received.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return -1;
        }

        foreach (var range in received[..end].Split("\r\n"u8))
        {
            var line = received[range];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon], "Content-Length"u8)
                && Utf8Parser.TryParse(line[(colon + 1)..].Trim(" \t"u8), out int contentLength, out _) && contentLength >= 0)
            {
                return end + 4 + contentLength;
            }
        }

        return -1;
    }

    private CollectionResult Parse(int answerLength, bool reusable)
    {
        var whole = this.response.AsMemory(0, answerLength);
        if (!BackendResponse.TryParse(whole.Span, out var status, out var contentType, out var body))
        {
            return CollectionResult.Failed("the Prometheus exporter's answer could not be read");
        }

        if (status != 200)
        {
            return CollectionResult.Failed($"the Prometheus exporter answered {status}");
        }

        this.Reusable = reusable && whole.Span[..whole.Span.IndexOf("\r\n\r\n"u8)].IndexOf("Connection: close"u8) < 0;

        // Spans of the response become slices of it, so that the result can outlive this call.
        return new CollectionResult(null, Slice(whole, contentType), Slice(whole, body));
    }

    private static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> whole, ReadOnlySpan<byte> part)
    {
        var start = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(whole.Span), ref MemoryMarshal.GetReference(part));
        return whole.Slice(start, part.Length);
    }
}

/// <summary>What the exporter answered: the media type and body of a <c>200</c>, or why there is none.</summary>
internal readonly record struct CollectionResult(string? Failure, ReadOnlyMemory<byte> ContentType, ReadOnlyMemory<byte> Body)
{
    /// <summary>A kept-alive connection that turned out closed: ask again on a new one.</summary>
    public static CollectionResult Stale { get; } = new("stale", default, default);

    public bool IsStale => ReferenceEquals(this.Failure, Stale.Failure);

    public static CollectionResult Failed(string failure) => new(failure, default, default);
}
