using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Http;
using OpenTelemetry.Hatchet.Port;

namespace OpenTelemetry.Hatchet.Scrape;

/// <summary>
/// Relays a <c>/metrics</c> scrape to the OpenTelemetry Prometheus exporter on its private loopback port and
/// writes the exporter's answer to the scraper, on the thread pool.
/// </summary>
/// <remarks>
/// <para>
/// The exporter's HttpListener needs the thread pool to answer at all, so a relay of its own threads would
/// buy nothing while the pool is starved; what must not need the pool is the fallback, and the event loop
/// gives that (<see cref="HealthcheckSocketServer"/>). Here the exporter is asked with <see cref="HttpClient"/>,
/// which keeps the loopback connection alive between scrapes, and answers from its own response cache.
/// </para>
/// <para>
/// Scrapes that arrive while the exporter is being asked with the same <c>Accept</c> wait for that answer
/// instead of asking again, so many scrapers, or many abandoned scrapes, cost one collection at a time. An
/// answer of the exporter that lacks the Hatchet families (an application's gauge threw) gets them added,
/// every time it is asked for.
/// </para>
/// <para>
/// The exporter's answer is kept here for the exporter's own cache window
/// (<c>ScrapeResponseCacheDurationMilliseconds</c>, counted from when it was asked), and scrapes in that window
/// get it without a second exchange: a sequential scraper would otherwise wait for two HTTP exchanges where the
/// exporter's own listener makes it wait for one. A kept answer is at most twice that window old, never older.
/// </para>
/// </remarks>
internal sealed class ScrapeRelay : IDisposable
{
    /// <summary>How long one collection may take before it is given up; scrapes are answered at their own, shorter, deadline.</summary>
    public static readonly TimeSpan CollectionLimit = TimeSpan.FromSeconds(10);

    private const int MaxAnswerLength = 32 * 1024 * 1024;

    // How long a client may take to read its answer.
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient client;
    private readonly Func<int?> exporterPort;
    private readonly HatchetWorkerHealth health;
    private readonly HatchetFamiliesWriter.TargetInfo? targetInfo;
    private readonly TimeSpan keep;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, TaskCompletionSource<ExporterAnswer>> collecting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeptAnswer> kept = new(StringComparer.Ordinal);

    /// <summary>
    /// The most answers kept at once, one per <c>Accept</c>: a scraper sends one or two <c>Accept</c> values, so a
    /// client that sends a new one with every scrape gets no answer kept rather than making the worker hold each.
    /// </summary>
    internal const int MaxKeptAnswers = 8;

    /// <param name="exporterPort">The exporter's private port, or null while it is not served.</param>
    /// <param name="health">The status the fallback and the completed answers are written from.</param>
    /// <param name="targetInfo">What the fallback begins with, as the exporter's answers do.</param>
    /// <param name="keep">The exporter's cache window: how long an answer is kept; zero keeps none.</param>
    /// <param name="time">The clock of that window.</param>
    /// <param name="logger">Where failed collections are logged.</param>
    /// <param name="collectionLimit">How long one collection may take: <see cref="CollectionLimit"/> unless a test shortens it.</param>
    public ScrapeRelay(Func<int?> exporterPort, HatchetWorkerHealth health, HatchetFamiliesWriter.TargetInfo? targetInfo, TimeSpan keep, TimeProvider time, ILogger logger, TimeSpan? collectionLimit = null)
    {
        this.exporterPort = exporterPort;
        this.health = health;
        this.targetInfo = targetInfo;
        this.keep = keep;
        this.time = time;
        this.logger = logger;
        this.client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
        {
            Timeout = collectionLimit ?? CollectionLimit,
            MaxResponseContentBufferSize = MaxAnswerLength,
        };
    }

    /// <summary>Raised on the thread pool with each scrape the relay has answered, to hand it back to the event loop.</summary>
    public event Action<RelayedScrape>? Answered;

    /// <summary>
    /// Starts relaying on the calling thread, the event loop's, as far as the first wait: asking the exporter on a
    /// kept-alive connection (a write) or joining an answer already asked for. The rest runs on the thread pool.
    /// </summary>
    public void Relay(RelayedScrape scrape) => _ = this.RunAsync(scrape);

    public void Dispose() => this.client.Dispose();

    private async Task RunAsync(RelayedScrape scrape)
    {
        var answer = await this.CollectAsync(scrape).ConfigureAwait(false);
        if (!scrape.TryClaim())
        {
            // The event loop answered it meanwhile.
            return;
        }

        try
        {
            if (answer.Failure is { } failure)
            {
                Log.ScrapeAnsweredAlone(this.logger, failure);
                var fallback = HatchetFamiliesWriter.WriteExposition(this.health, scrape.Format, this.targetInfo);
                await SendAsync(scrape, answer.Status, ExpositionFormats.ContentType(scrape.Format).ToArray(), fallback).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(scrape, answer.Status, answer.ContentType, answer.Body).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            // A client that hangs up, or anything else: that connection is closed, the worker is untouched.
            Log.RequestFailed(this.logger, exception);
            scrape.Connection.KeepAlive = false;
        }

        scrape.MarkAnswered();
        this.Answered?.Invoke(scrape);
    }

    // The first scrape with an Accept asks the exporter; those that come while it waits share its answer, and
    // those that come within the exporter's cache window after it get it as kept.
    private async Task<ExporterAnswer> CollectAsync(RelayedScrape scrape)
    {
        TaskCompletionSource<ExporterAnswer>? running, shared = null;
        var asked = this.time.GetTimestamp();
        lock (this.gate)
        {
            if (this.kept.TryGetValue(scrape.Accept, out var kept) && asked < kept.Until)
            {
                return kept.Answer;
            }

            if (!this.collecting.TryGetValue(scrape.Accept, out running))
            {
                shared = new TaskCompletionSource<ExporterAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
                this.collecting.Add(scrape.Accept, shared);
            }
        }

        if (shared is null)
        {
            return await running!.Task.ConfigureAwait(false);
        }

        ExporterAnswer answer;
        try
        {
            answer = await this.AskExporterAsync(scrape).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            answer = ExporterAnswer.Failed(exception is TaskCanceledException
                ? $"the Prometheus exporter did not answer within {this.client.Timeout.TotalSeconds:0.###} s"
                : $"the Prometheus exporter could not be asked: {exception.Message}");
        }

        if (answer.Failure is { } failure)
        {
            Log.ScrapeFailed(this.logger, failure);
        }

        // Scrapes that come from now on ask again once the window is over: this answer is no newer than when it
        // was asked for.
        lock (this.gate)
        {
            this.collecting.Remove(scrape.Accept);
            if (answer is { Failure: null, Status: 200 } && this.keep > TimeSpan.Zero)
            {
                this.Keep(scrape.Accept, new KeptAnswer(answer, asked + (long)(this.keep.TotalSeconds * this.time.TimestampFrequency)));
            }
        }

        shared.SetResult(answer);
        return answer;
    }

    /// <summary>Gets how many answers are kept now, expired ones included until the next answer is kept.</summary>
    internal int KeptAnswers
    {
        get
        {
            lock (this.gate)
            {
                return this.kept.Count;
            }
        }
    }

    // Under the gate. Answers whose window is over go first; past the limit a new Accept's answer is not kept.
    private void Keep(string accept, KeptAnswer answer)
    {
        var now = this.time.GetTimestamp();
        foreach (var (key, old) in this.kept)
        {
            if (old.Until <= now)
            {
                this.kept.Remove(key);
            }
        }

        if (this.kept.Count < MaxKeptAnswers || this.kept.ContainsKey(accept))
        {
            this.kept[accept] = answer;
        }
    }

    private async Task<ExporterAnswer> AskExporterAsync(RelayedScrape scrape)
    {
        if (this.exporterPort() is not { } port)
        {
            return new ExporterAnswer(null, 503, HttpResponseWriter.PlainText.ToArray(), "metrics are not being served"u8.ToArray());
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/metrics/");
        if (scrape.Accept.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept", scrape.Accept);
        }

        if (scrape.ScrapeTimeout.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("X-Prometheus-Scrape-Timeout-Seconds", scrape.ScrapeTimeout);
        }

        using var response = await this.client.SendAsync(request).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ExporterAnswer.Failed($"the Prometheus exporter answered {(int)response.StatusCode}");
        }

        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        if (!response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) || values.Count != 1)
        {
            return ExporterAnswer.Failed("the Prometheus exporter's answer has no media type");
        }

        // The exporter's media type is passed on as it wrote it; Prometheus parses the body by it.
        var contentType = Encoding.ASCII.GetBytes(values.ToString());
        var completed = HatchetFamiliesWriter.Complete(body, this.health, ExpositionFormats.OfContentType(contentType));
        return new ExporterAnswer(null, 200, contentType, completed ?? body);
    }

    // Head and body go in one send: in two, a NoDelay socket sends two segments and the scraper waits for both.
    // The socket is the event loop's, non-blocking: what it cannot take at once is sent as the scraper reads.
    private static async Task SendAsync(RelayedScrape scrape, int status, byte[] contentType, byte[] body)
    {
        var keepAlive = scrape.KeepAlive && status == 200;
        var head = new byte[256 + contentType.Length];
        var length = HttpResponseWriter.WriteHead(head, status, contentType, body.Length, keepAlive);
        ArraySegment<byte>[] answer = scrape.IsHead ? [new(head, 0, length)] : [new(head, 0, length), body];
        var socket = scrape.Connection.Socket;
        // A send that fails sends nothing; the asynchronous send below then meets the same error and throws it.
        var sent = socket.Send(answer, SocketFlags.None, out _);
        if (sent < length + (scrape.IsHead ? 0 : body.Length))
        {
            using var timeout = new CancellationTokenSource(SendTimeout);
            foreach (var part in answer)
            {
                var skip = Math.Min(sent, part.Count);
                sent -= skip;
                await SendAllAsync(socket, part.AsMemory(skip), timeout.Token).ConfigureAwait(false);
            }
        }

        scrape.Connection.KeepAlive = keepAlive;
        if (!keepAlive)
        {
            // A client that asked to close reads until the connection ends, and nothing else wakes the event loop
            // then: ending it here, once the whole answer is sent, tells the client at once. The loop still
            // closes the socket when it is handed the scrape.
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false)..];
        }
    }

    /// <summary>What the exporter answered, completed with the Hatchet families, or why it could not be asked.</summary>
    private sealed record ExporterAnswer(string? Failure, int Status, byte[] ContentType, byte[] Body)
    {
        public static ExporterAnswer Failed(string failure) => new(failure, 200, [], []);
    }

    /// <summary>An answer of the exporter and when (the clock's timestamp) its window ends.</summary>
    private sealed record KeptAnswer(ExporterAnswer Answer, long Until);
}
