using System.Text;
using OpenTelemetry.Hatchet.Http;
using OpenTelemetry.Hatchet.Port;

namespace OpenTelemetry.Hatchet.Scrape;

/// <summary>
/// A <c>/metrics</c> request waiting for the Prometheus exporter's answer. Two parties may answer it: the relay,
/// when the exporter answers, and the event loop, when the scrape's deadline passes, the pool is found starved,
/// or the client goes. Whichever claims it first answers; the other leaves it alone.
/// </summary>
internal sealed class RelayedScrape
{
    private int claimed;
    private volatile bool answered;

    public RelayedScrape(ClientConnection connection, in HttpRequestHead head, ReadOnlySpan<byte> request, bool keepAlive, long now)
    {
        var accept = request[head.Accept];
        this.Connection = connection;
        this.IsHead = head.IsHead;
        this.KeepAlive = keepAlive;
        this.Accept = ExpositionFormats.IsPassedOn(accept) ? Encoding.ASCII.GetString(accept) : string.Empty;
        this.Format = ExpositionFormats.Negotiate(accept);
        var timeout = request[head.ScrapeTimeout];
        this.ScrapeTimeout = timeout.Length <= 32 && !timeout.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e) ? Encoding.ASCII.GetString(timeout) : string.Empty;
        this.Deadline = now + (long)ScrapeDeadline.Budget(timeout).TotalMilliseconds;
    }

    public ClientConnection Connection { get; }

    public bool IsHead { get; }

    /// <summary>Gets a value indicating whether the client asked to keep the connection open after the answer.</summary>
    public bool KeepAlive { get; }

    /// <summary>Gets the <c>Accept</c> value passed on to the exporter; scrapes that sent the same share one answer.</summary>
    public string Accept { get; }

    /// <summary>Gets the <c>X-Prometheus-Scrape-Timeout-Seconds</c> value passed on to the exporter, or empty.</summary>
    public string ScrapeTimeout { get; }

    /// <summary>Gets the format of the fallback, should the scrape get it.</summary>
    public ExpositionFormat Format { get; }

    /// <summary>Gets when (the event loop's milliseconds) the scrape is answered with the fallback if the exporter has not answered.</summary>
    public long Deadline { get; }

    /// <summary>Gets or sets a value indicating whether the client sent more bytes while waiting: the event loop stops watching its socket.</summary>
    public bool ClientSpoke { get; set; }

    /// <summary>Gets a value indicating whether the relay has written the whole answer.</summary>
    public bool IsAnswered => this.answered;

    /// <summary>Called by the relay once the whole answer is written, before it hands the scrape back.</summary>
    public void MarkAnswered() => this.answered = true;

    /// <summary>Makes the caller the one that answers; false when the other party already is.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref this.claimed, 1) == 0;
}
