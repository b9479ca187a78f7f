using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// Answers <c>/metrics</c> on the public port from a dedicated thread, with what the OpenTelemetry
/// Prometheus exporter serves on its private loopback port, or, when it cannot answer in time, with the
/// <c>hatchet_worker_*</c> families written from <see cref="HatchetWorkerHealth"/>.
/// </summary>
/// <remarks>
/// <para>
/// The exporter's HttpListener needs the thread pool. Each scrape is given a deadline inside the scraper's
/// own (<c>X-Prometheus-Scrape-Timeout-Seconds</c>, see <see cref="ScrapeDeadline"/>); a scrape the exporter
/// has not answered by then, and every scrape while the pool is known starved, is answered at once with
/// the Hatchet families alone, so Prometheus keeps the worker up and sees its status and lag.
/// </para>
/// <para>
/// Scrapes waiting together share one collection (one per <c>Accept</c> value, which decides the format),
/// and a scrape whose client has gone is dropped, so neither many scrapers nor abandoned scrapes can turn
/// an ordinary scrape away. An answer of the exporter that lacks the Hatchet families (an application's
/// gauge threw) gets them added. Answers are re-framed with a <c>Content-Length</c>, so the client's
/// connection can be kept alive.
/// </para>
/// </remarks>
internal sealed class MetricsForwarder : IDisposable
{
    /// <summary>How many scrapes may wait at once; beyond, a scrape is refused <c>503</c> at once.</summary>
    public const int MaxWaitingScrapes = 256;

    // Fits the event loop's 64 KB output buffer with the head.
    private const int MaxCachedLength = 60 * 1024;

    /// <summary>How long one collection may take before it is given up; scrapes waiting on it are answered at their own deadline.</summary>
    public static readonly TimeSpan CollectionLimit = TimeSpan.FromSeconds(10);

    // How long a client may take to read its answer.
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    // While a collection runs, how often the thread looks at new scrapes, deadlines and the pool.
    private const int PollMicroseconds = 50_000;
    private const int IdleWaitMilliseconds = 250;

    private readonly ConcurrentQueue<Scrape> incoming = new();
    private readonly AutoResetEvent arrived = new(false);
    private readonly List<Scrape> waiting = [];
    private readonly List<Socket> readable = [];
    private readonly Func<int?> exporterPort;
    private readonly HatchetWorkerHealth health;
    private readonly Action<ClientConnection> done;
    private readonly ILogger logger;
    private readonly Thread thread;
    private readonly long answerCacheWindow;
    private ExporterCollection? collection;
    private volatile CachedAnswer? cached;

    // The exporter's connection the last collection left open, kept for the next.
    private Socket? idle;
    private int idlePort;
    private int count;
    private volatile bool stopping;

    public MetricsForwarder(Func<int?> exporterPort, HatchetWorkerHealth health, TimeSpan answerCacheWindow, Action<ClientConnection> done, ILogger logger)
    {
        this.answerCacheWindow = (long)answerCacheWindow.TotalMilliseconds;
        this.exporterPort = exporterPort;
        this.health = health;
        this.done = done;
        this.logger = logger;
        this.thread = new Thread(this.Run) { IsBackground = true, Name = "Hatchet metrics forwarder" };
        this.thread.Start();
    }

    /// <summary>
    /// Writes the answer to a scrape into <paramref name="destination"/> from the exporter's last answer, if that
    /// was to the same <c>Accept</c> and began less than the exporter's cache window ago; called by the event loop.
    /// </summary>
    /// <returns>The response's length, or -1 when the scrape must go to the exporter.</returns>
    public int AnswerFromCache(in HttpRequestHead head, ReadOnlySpan<byte> request, Span<byte> destination, bool keepAlive)
    {
        if (this.cached is not { } answer || Environment.TickCount64 >= answer.Expires)
        {
            return -1;
        }

        var accept = head.Accept.GetOffsetAndLength(request.Length).Length > 0 ? request[head.Accept] : [];
        return accept.SequenceEqual(answer.Accept)
            ? HttpResponseWriter.Write(destination, 200, answer.ContentType, answer.Body, keepAlive, omitBody: head.IsHead)
            : -1;
    }

    /// <summary>Takes a scrape; false when too many are already waiting or the forwarder is stopping.</summary>
    public bool TryForward(ClientConnection connection, in HttpRequestHead head, bool keepAlive)
    {
        if (this.stopping || Interlocked.Increment(ref this.count) > MaxWaitingScrapes)
        {
            Interlocked.Decrement(ref this.count);
            return false;
        }

        var request = connection.Buffer.AsSpan(0, head.Length);
        var accept = head.Accept.GetOffsetAndLength(request.Length).Length > 0 ? request[head.Accept] : [];
        var now = Environment.TickCount64;
        var budget = ScrapeDeadline.Budget(ScrapeDeadline.HeaderValue(request, "X-Prometheus-Scrape-Timeout-Seconds"u8));
        var scrape = new Scrape(
            connection,
            head.IsHead,
            keepAlive,
            ExporterCollection.AcceptKey(accept),
            ExpositionFormats.Negotiate(accept),
            now + (long)budget.TotalMilliseconds);

        // The buffer is the event loop's: the request is dropped from it before the forwarder owns the connection.
        connection.Consume(head.Length);
        this.incoming.Enqueue(scrape);
        this.arrived.Set();
        return true;
    }

    public void Dispose()
    {
        this.stopping = true;
        this.arrived.Set();
        this.thread.Join(SendTimeout + TimeSpan.FromSeconds(1));
    }

    private void Run()
    {
        while (true)
        {
            try
            {
                if (!this.Turn())
                {
                    break;
                }
            }
            catch (Exception exception)
            {
                // Nothing may escape a dedicated thread: it would end the process.
                Log.ServeFailed(this.logger, exception);
                Thread.Sleep(100);
            }
        }

        this.collection?.Dispose();
        this.idle?.Dispose();
    }

    /// <returns>False once stopped with nothing left to answer.</returns>
    private bool Turn()
    {
        while (this.incoming.TryDequeue(out var scrape))
        {
            this.waiting.Add(scrape);
        }

        this.DropAbandoned();
        if (this.collection is { } running && running.Pump(Environment.TickCount64) is { } finished)
        {
            this.collection = null;
            if (finished.IsStale)
            {
                running.Dispose();
                this.StartOn(running.Port, running.Accept, idle: null);
            }
            else
            {
                this.Answer(running, finished);
                if (finished.Failure is null && running.Reusable)
                {
                    this.idle = running.Detach();
                    this.idlePort = running.Port;
                }

                running.Dispose();
            }
        }

        var stopping = this.stopping;
        var starved = this.health.IsThreadPoolStarved;
        var now = Environment.TickCount64;
        for (var i = this.waiting.Count - 1; i >= 0; i--)
        {
            var scrape = this.waiting[i];
            if (stopping || starved || now >= scrape.Deadline)
            {
                this.waiting.RemoveAt(i);
                this.AnswerAlone(scrape, stopping ? "the worker is stopping" : starved ? "the thread pool is starved" : "the exporter did not answer within the scrape's deadline");
            }
        }

        if (stopping)
        {
            return !this.incoming.IsEmpty;
        }

        if (this.collection is null && this.waiting.Count > 0)
        {
            this.Start(this.waiting[0]);
        }

        this.Wait();
        return true;
    }

    private void Start(Scrape first)
    {
        if (this.exporterPort() is not { } port)
        {
            this.Serve(first.AcceptKey, static (scrape, forwarder) => forwarder.Send(scrape, 503, HttpResponseWriter.PlainText, "metrics are not being served"u8));
            return;
        }

        // A connection kept from another port (the host restarted the exporter) is of no use.
        var idle = this.idle;
        this.idle = null;
        if (idle is not null && this.idlePort != port)
        {
            idle.Dispose();
            idle = null;
        }

        this.StartOn(port, first.AcceptKey, idle);
    }

    private void StartOn(int port, string accept, Socket? idle)
    {
        try
        {
            this.collection = ExporterCollection.Start(port, accept, Environment.TickCount64, idle);
        }
        catch (SocketException exception)
        {
            Log.ScrapeFailed(this.logger, exception.Message);
            this.Serve(accept, static (scrape, forwarder) => forwarder.AnswerAlone(scrape, "the exporter refused the connection"));
        }
    }

    private void Wait()
    {
        var now = Environment.TickCount64;
        var wait = (long)IdleWaitMilliseconds;
        foreach (var scrape in this.waiting)
        {
            wait = Math.Min(wait, Math.Max(0, scrape.Deadline - now));
        }

        if (this.collection is { } running)
        {
            this.readable.Clear();
            this.readable.Add(running.Socket);
            var timeout = (int)Math.Min(PollMicroseconds, wait * 1000);
            if (running.Connecting)
            {
                Socket.Select(null, this.readable, null, timeout);
            }
            else
            {
                Socket.Select(this.readable, null, null, timeout);
            }
        }
        else if (this.incoming.IsEmpty)
        {
            this.arrived.WaitOne((int)wait);
        }
    }

    // A client that closed or reset its connection is no longer waiting: collecting for it would only hold a place.
    private void DropAbandoned()
    {
        for (var i = this.waiting.Count - 1; i >= 0; i--)
        {
            var scrape = this.waiting[i];
            if (IsGone(scrape.Connection.Socket))
            {
                this.waiting.RemoveAt(i);
                scrape.Connection.KeepAlive = false;
                this.Return(scrape);
            }
        }
    }

    private static bool IsGone(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private void Answer(ExporterCollection finished, CollectionResult result)
    {
        if (result.Failure is { } failure)
        {
            Log.ScrapeFailed(this.logger, failure);
            this.Serve(finished.Accept, static (scrape, forwarder) => forwarder.AnswerAlone(scrape, "the exporter failed"));
            return;
        }

        var contentType = result.ContentType.ToArray();
        var format = ExpositionFormats.OfContentType(contentType);
        var completed = HatchetFamiliesWriter.Complete(result.Body.Span, this.health, format);
        var body = completed is null ? result.Body : completed;
        if (this.answerCacheWindow > 0 && body.Length <= MaxCachedLength)
        {
            this.cached = new CachedAnswer(Encoding.ASCII.GetBytes(finished.Accept), contentType, body.ToArray(), finished.Started + this.answerCacheWindow);
        }

        this.Serve(finished.Accept, (scrape, forwarder) => forwarder.Send(scrape, 200, contentType, body.Span));
    }

    // The Hatchet families alone, for a scrape the exporter cannot answer in time.
    private void AnswerAlone(Scrape scrape, string reason)
    {
        Log.ScrapeAnsweredAlone(this.logger, reason);
        var body = HatchetFamiliesWriter.WriteExposition(this.health, scrape.Format);
        this.Send(scrape, 200, ExpositionFormats.ContentType(scrape.Format), body);
    }

    // Answers every waiting scrape that asked for the same format: they share one collection.
    private void Serve(string accept, Action<Scrape, MetricsForwarder> answer)
    {
        for (var i = 0; i < this.waiting.Count;)
        {
            var scrape = this.waiting[i];
            if (!string.Equals(scrape.AcceptKey, accept, StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            this.waiting.RemoveAt(i);
            answer(scrape, this);
        }
    }

    private void Send(Scrape scrape, int status, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body)
    {
        var connection = scrape.Connection;
        try
        {
            connection.KeepAlive = Send(connection.Socket, status, contentType, body, scrape);
        }
        catch (Exception exception)
        {
            // A client that hangs up, or anything else: that connection is closed, the worker is untouched.
            Log.RequestFailed(this.logger, exception);
            connection.KeepAlive = false;
        }

        this.Return(scrape);
    }

    private void Return(Scrape scrape)
    {
        Interlocked.Decrement(ref this.count);
        try
        {
            this.done(scrape.Connection);
        }
        catch (Exception exception)
        {
            Log.ServeFailed(this.logger, exception);
        }
    }

    /// <returns>Whether the connection can take another request.</returns>
    private static bool Send(Socket client, int status, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body, Scrape scrape)
    {
        var keepAlive = scrape.KeepAlive && status == 200;
        Span<byte> head = stackalloc byte[512];
        var length = HttpResponseWriter.WriteHead(head, status, contentType, body.Length, keepAlive);
        if (length < 0)
        {
            return false;
        }

        var deadline = Environment.TickCount64 + (long)SendTimeout.TotalMilliseconds;
        SendAll(client, head[..length], deadline);
        if (!scrape.IsHead)
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
                    throw new TimeoutException($"the client did not take the answer within {SendTimeout.TotalSeconds:0} s");
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

    // The exporter's last answer, served again by the event loop until it expires. Larger answers are not
    // kept: the event loop sends an answer in one go into the socket's buffer.
    private sealed record CachedAnswer(byte[] Accept, byte[] ContentType, byte[] Body, long Expires);

    private sealed record Scrape(ClientConnection Connection, bool IsHead, bool KeepAlive, string AcceptKey, ExpositionFormat Format, long Deadline);
}
