using System.Collections.Concurrent;
using System.Net.Sockets;
using OpenTelemetry.Hatchet.Port;

namespace OpenTelemetry.Hatchet.Scrape;

/// <summary>
/// The scrapes relayed to the exporter and not yet answered, as the event loop sees them: which to watch,
/// which the relay has answered, and which are overdue. Used by the event loop's thread only, but for the
/// queue of answered scrapes the relay fills.
/// </summary>
internal sealed class WaitingScrapes : IDisposable
{
    /// <summary>How many scrapes may wait for the exporter at once; beyond, a scrape is refused <c>503</c> at once.</summary>
    public const int Limit = 256;

    private static readonly TimeSpan AnsweredSpin = TimeSpan.FromMilliseconds(0.2);

    private readonly List<RelayedScrape> waiting = [];
    private readonly List<RelayedScrape> overdue = [];
    private readonly ConcurrentQueue<RelayedScrape> answered = new();
    private readonly ScrapeRelay relay;

    public WaitingScrapes(ScrapeRelay relay)
    {
        this.relay = relay;
        relay.Answered += this.answered.Enqueue;
    }

    public bool IsFull => this.waiting.Count >= Limit;

    /// <summary>Hands the scrape to the relay.</summary>
    public void Relay(RelayedScrape scrape)
    {
        this.waiting.Add(scrape);
        this.relay.Relay(scrape);
    }

    /// <summary>A connection whose scrape the relay has answered, to be read again.</summary>
    public bool TryTakeAnswered(out ClientConnection connection)
    {
        while (this.answered.TryDequeue(out var scrape))
        {
            // One that Watch saw answered first has been taken already.
            if (this.waiting.Remove(scrape))
            {
                connection = scrape.Connection;
                return true;
            }
        }

        connection = null!;
        return false;
    }

    /// <summary>
    /// Called when a waiting scrape's socket is readable. A client that hung up is no longer waiting: its scrape is
    /// dropped, so that it holds no place. A client that sent its next request early is out of view until the relay
    /// has answered.
    /// </summary>
    /// <returns>What became of the scrape: the client gone (the caller closes the connection), the scrape answered
    /// (the caller reads the connection again), or neither yet.</returns>
    public Watched Watch(RelayedScrape scrape)
    {
        bool gone;
        try
        {
            gone = scrape.Connection.Socket.Available == 0;
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            gone = true;
        }

        if (gone && scrape.TryClaim())
        {
            this.waiting.Remove(scrape);
            return Watched.Gone;
        }

        // A client sends its next request, or closes a connection the relay ended, once it has the whole answer, so
        // the relay is handing the scrape back at this moment: waiting the few microseconds for it saves a turn of
        // the loop.
        if (SpinWait.SpinUntil(() => scrape.IsAnswered, AnsweredSpin))
        {
            this.waiting.Remove(scrape);
            return Watched.Answered;
        }

        scrape.ClientSpoke = true;
        return Watched.Waiting;
    }

    /// <summary>Claims every scrape whose deadline has passed, or every one when <paramref name="all"/>: the caller answers them.</summary>
    public List<RelayedScrape> TakeOverdue(long now, bool all)
    {
        this.overdue.Clear();
        for (var i = this.waiting.Count - 1; i >= 0; i--)
        {
            var scrape = this.waiting[i];
            if ((all || now >= scrape.Deadline) && scrape.TryClaim())
            {
                this.waiting.RemoveAt(i);
                this.overdue.Add(scrape);
            }
        }

        return this.overdue;
    }

    /// <summary>How long the loop may wait: until the next deadline; 1 ms while a client that spoke is out of view.</summary>
    public int SelectTimeoutMicroseconds(long now, int idle)
    {
        var timeout = (long)idle;
        foreach (var scrape in this.waiting)
        {
            timeout = Math.Min(timeout, scrape.ClientSpoke ? 1000 : Math.Max(0, scrape.Deadline - now) * 1000);
        }

        return (int)timeout;
    }

    public void Dispose() => this.relay.Dispose();
}
