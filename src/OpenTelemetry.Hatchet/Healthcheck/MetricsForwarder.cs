using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// Answers <c>/metrics</c> on the public port with what the OpenTelemetry Prometheus exporter serves on its
/// private loopback port, from a dedicated thread.
/// </summary>
/// <remarks>
/// The exporter's HttpListener needs the thread pool, so a scrape cannot be answered while the pool is
/// starved; it is given <see cref="ScrapeTimeout"/> and then answered <c>504</c>, while probes go on being
/// answered by the event loop. The request's <c>Accept</c> header is passed on, so Prometheus still
/// negotiates OpenMetrics; the answer is re-framed with a <c>Content-Length</c>, so the client's
/// connection can be kept alive.
/// </remarks>
internal sealed class MetricsForwarder : IDisposable
{
    /// <summary>How long a scrape may take; Prometheus's own timeout for the seed's 5 s interval is 5 s too.</summary>
    public static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(5);

    private const int MaxResponseLength = 32 * 1024 * 1024;
    private const int MaxAcceptLength = 512;

    private readonly BlockingCollection<Scrape> queue = new(boundedCapacity: 16);
    private readonly Func<int?> exporterPort;
    private readonly Action<ClientConnection> done;
    private readonly ILogger logger;
    private readonly Thread thread;

    public MetricsForwarder(Func<int?> exporterPort, Action<ClientConnection> done, ILogger logger)
    {
        this.exporterPort = exporterPort;
        this.done = done;
        this.logger = logger;
        this.thread = new Thread(this.Run) { IsBackground = true, Name = "Hatchet metrics forwarder" };
        this.thread.Start();
    }

    /// <summary>Queues a scrape; false when too many are already waiting.</summary>
    public bool TryForward(ClientConnection connection, in HttpRequestHead head, bool keepAlive)
    {
        try
        {
            return this.queue.TryAdd(new Scrape(connection, head, keepAlive));
        }
        catch (InvalidOperationException)
        {
            return false; // stopping
        }
    }

    public void Dispose()
    {
        this.queue.CompleteAdding();
        this.thread.Join(ScrapeTimeout + TimeSpan.FromSeconds(1));
    }

    private void Run()
    {
        foreach (var scrape in this.queue.GetConsumingEnumerable())
        {
            var connection = scrape.Connection;
            try
            {
                connection.KeepAlive = this.Answer(scrape);
            }
            catch (Exception exception)
            {
                // A client that hangs up, or anything else: that connection is closed, the worker is untouched.
                Log.RequestFailed(this.logger, exception);
                connection.KeepAlive = false;
            }

            try
            {
                this.done(connection);
            }
            catch (Exception exception)
            {
                // Nothing may escape a dedicated thread: it would end the process.
                Log.ServeFailed(this.logger, exception);
            }
        }
    }

    private bool Answer(Scrape scrape)
    {
        var connection = scrape.Connection;

        // Read once: the port the request names is the port it is sent to, even if the host is stopping.
        if (this.exporterPort() is not { } port)
        {
            connection.Consume(scrape.Head.Length);
            return Send(connection.Socket, 503, HttpResponseWriter.PlainText, "metrics are not being served"u8, scrape);
        }

        var request = BackendRequest(connection.Buffer.AsSpan(0, connection.Count), scrape.Head, port);
        connection.Consume(scrape.Head.Length);
        var failure = Exchange(request, port, out var response, out var length);
        try
        {
            if (failure is not null)
            {
                Log.ScrapeFailed(this.logger, failure.Message);
                return failure is TimeoutException
                    ? Send(connection.Socket, 504, HttpResponseWriter.PlainText, "metrics could not be collected in time"u8, scrape)
                    : Send(connection.Socket, 502, HttpResponseWriter.PlainText, "metrics could not be collected"u8, scrape);
            }

            return BackendResponse.TryParse(response.AsSpan(0, length), out var status, out var contentType, out var body)
                ? Send(connection.Socket, status, contentType, body, scrape)
                : Send(connection.Socket, 502, HttpResponseWriter.PlainText, "metrics could not be read"u8, scrape);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(response);
        }
    }

    // HTTP/1.0 so the exporter's listener ends its answer by closing rather than by chunks.
    private static byte[] BackendRequest(ReadOnlySpan<byte> clientRequest, in HttpRequestHead head, int port)
    {
        var text = new StringBuilder($"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
        var accept = head.Accept.GetOffsetAndLength(clientRequest.Length).Length > 0 ? clientRequest[head.Accept] : [];
        if (accept.Length is > 0 and <= MaxAcceptLength && !accept.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e))
        {
            text.Append("Accept: ").Append(Encoding.ASCII.GetString(accept)).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
    }

    /// <summary>Sends the request to the exporter and reads its whole answer; returns why it failed, or null.</summary>
    private static Exception? Exchange(byte[] request, int port, out byte[] response, out int length)
    {
        response = ArrayPool<byte>.Shared.Rent(64 * 1024);
        length = 0;
        var deadline = Environment.TickCount64 + (long)ScrapeTimeout.TotalMilliseconds;
        try
        {
            using var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            backend.SendTimeout = (int)ScrapeTimeout.TotalMilliseconds;
            backend.Connect(new IPEndPoint(IPAddress.Loopback, port));
            backend.Send(request);
            while (true)
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    return new TimeoutException($"the Prometheus exporter did not answer within {ScrapeTimeout.TotalSeconds:0} s");
                }

                if (length == response.Length)
                {
                    if (length >= MaxResponseLength)
                    {
                        return new InvalidDataException($"the Prometheus exporter's answer is over {MaxResponseLength} bytes");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(length * 2);
                    response.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(response);
                    response = larger;
                }

                backend.ReceiveTimeout = (int)Math.Max(1, remaining);
                var read = backend.Receive(response, length, response.Length - length, SocketFlags.None);
                if (read == 0)
                {
                    return null;
                }

                length += read;
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.TimedOut)
        {
            return new TimeoutException($"the Prometheus exporter did not answer within {ScrapeTimeout.TotalSeconds:0} s", exception);
        }
        catch (SocketException exception)
        {
            return exception;
        }
    }

    /// <returns>Whether the connection can take another request.</returns>
    private static bool Send(Socket client, int status, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body, Scrape scrape)
    {
        var keepAlive = scrape.KeepAlive && status is not (502 or 504);
        Span<byte> head = stackalloc byte[512];
        var length = HttpResponseWriter.WriteHead(head, status, contentType, body.Length, keepAlive);
        if (length < 0)
        {
            return false;
        }

        var deadline = Environment.TickCount64 + (long)ScrapeTimeout.TotalMilliseconds;
        SendAll(client, head[..length], deadline);
        if (!scrape.Head.IsHead)
        {
            SendAll(client, body, deadline);
        }

        return keepAlive;
    }

    // The socket stays non-blocking and waits with Poll: a blocking call on a socket that has been
    // non-blocking goes through .NET's socket engine, which needs the thread pool. A failure throws, to be
    // logged by the caller like any other failed answer.
    private static void SendAll(Socket client, ReadOnlySpan<byte> bytes, long deadline)
    {
        while (!bytes.IsEmpty)
        {
            var sent = client.Send(bytes, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0 || !client.Poll(TimeSpan.FromMilliseconds(remaining), SelectMode.SelectWrite))
                {
                    throw new TimeoutException($"the client did not take the answer within {ScrapeTimeout.TotalSeconds:0} s");
                }

                continue;
            }

            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }

            bytes = bytes[sent..];
        }
    }

    private readonly record struct Scrape(ClientConnection Connection, HttpRequestHead Head, bool KeepAlive);
}
