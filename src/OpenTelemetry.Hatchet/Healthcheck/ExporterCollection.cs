using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// One request to the Prometheus exporter's private listener, driven without blocking by the forwarder's
/// thread: connect, send, read until the exporter closes, within <see cref="MetricsForwarder.CollectionLimit"/>.
/// </summary>
internal sealed class ExporterCollection : IDisposable
{
    private const int MaxResponseLength = 32 * 1024 * 1024;
    private const int MaxAcceptLength = 512;

    private readonly byte[] request;
    private readonly long started;
    private byte[] response = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int length;
    private bool sent;

    private ExporterCollection(Socket socket, string accept, byte[] request, long started)
    {
        this.Socket = socket;
        this.Accept = accept;
        this.request = request;
        this.started = started;
    }

    public Socket Socket { get; }

    /// <summary>Gets a value indicating whether the request is still to be sent: the socket is waited on for writing, not reading.</summary>
    public bool Connecting => !this.sent;

    /// <summary>Gets the <c>Accept</c> value the exporter is asked with; scrapes that sent the same share the answer.</summary>
    public string Accept { get; }

    /// <summary>The <c>Accept</c> value passed on to the exporter: the client's, if it is short printable ASCII.</summary>
    public static string AcceptKey(ReadOnlySpan<byte> accept)
        => accept.Length is > 0 and <= MaxAcceptLength && !accept.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e)
            ? Encoding.ASCII.GetString(accept)
            : string.Empty;

    /// <summary>Starts connecting to the exporter; the request is sent once connected.</summary>
    /// <exception cref="SocketException">The connection is refused at once.</exception>
    public static ExporterCollection Start(int port, string accept, long now)
    {
        // HTTP/1.0 so the exporter's listener ends its answer by closing rather than by chunks.
        var text = new StringBuilder($"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
        if (accept.Length > 0)
        {
            text.Append("Accept: ").Append(accept).Append("\r\n");
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

        return new ExporterCollection(socket, accept, Encoding.ASCII.GetBytes(text.Append("\r\n").ToString()), now);
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
                return CollectionResult.Failed($"the Prometheus exporter could not be asked: {sendError}");
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

            if (error != SocketError.Success)
            {
                return CollectionResult.Failed($"the Prometheus exporter's connection failed: {error}");
            }

            if (read == 0)
            {
                return this.Parse();
            }

            this.length += read;
        }
    }

    public void Dispose()
    {
        this.Socket.Dispose();
        ArrayPool<byte>.Shared.Return(this.response);
        this.response = [];
    }

    private CollectionResult Parse()
    {
        var whole = this.response.AsMemory(0, this.length);
        if (!BackendResponse.TryParse(whole.Span, out var status, out var contentType, out var body))
        {
            return CollectionResult.Failed("the Prometheus exporter's answer could not be read");
        }

        if (status != 200)
        {
            return CollectionResult.Failed($"the Prometheus exporter answered {status}");
        }

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
    public static CollectionResult Failed(string failure) => new(failure, default, default);
}
