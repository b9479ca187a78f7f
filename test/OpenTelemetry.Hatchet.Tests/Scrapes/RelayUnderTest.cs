using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Hatchet.Http;
using OpenTelemetry.Hatchet.Port;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// A <see cref="ScrapeRelay"/> asked directly, as the event loop asks it: a stand-in exporter behind it, a real
/// scraper's connection on loopback in front, a fake clock for the exporter's cache window, and its logs kept.
/// </summary>
internal sealed class RelayUnderTest : IAsyncDisposable
{
    private readonly Socket scraper;
    private readonly ClientConnection connection;

    /// <param name="window">The exporter's cache window.</param>
    /// <param name="socketBuffer">When given, the size of the scraper's receive buffer and of the port's send buffer,
    /// so that a large answer cannot be taken at once.</param>
    /// <param name="collectionLimit">When given, how long one collection may take instead of the relay's 10 s.</param>
    public RelayUnderTest(TimeSpan window, int? socketBuffer = null, TimeSpan? collectionLimit = null)
    {
        this.Relay = new ScrapeRelay(() => this.ExporterPort is { } port ? port() : this.Exporter.Port, new HatchetWorkerHealth(), null, window, this.Time, this.Logs.CreateLogger("relay"), collectionLimit);
        this.Relay.Answered += scrape => this.Answered.Enqueue(scrape);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        this.scraper = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (socketBuffer is { } size)
        {
            this.scraper.ReceiveBufferSize = size;
        }

        this.scraper.Connect((IPEndPoint)listener.LocalEndpoint);

        // As the event loop accepts it: non-blocking, no delay.
        var accepted = listener.AcceptSocket();
        accepted.Blocking = false;
        accepted.NoDelay = true;
        if (socketBuffer is { } sendSize)
        {
            accepted.SendBufferSize = sendSize;
        }

        this.connection = new ClientConnection(accepted, 0);
    }

    public ScrapeRelay Relay { get; }

    /// <summary>Gets or sets the exporter's port as the relay sees it; the stand-in's unless a test says otherwise.</summary>
    public Func<int?>? ExporterPort { get; set; }

    public FakeTimeProvider Time { get; } = new();

    public StandInExporter Exporter { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<RelayedScrape> Answered { get; } = new();

    /// <summary>Gets the head of the last answer <see cref="ReadAnswerAsync"/> read.</summary>
    public string LastHead { get; private set; } = string.Empty;

    /// <summary>A scrape as the event loop makes it from the scraper's request, not yet relayed.</summary>
    public RelayedScrape Scrape(string accept = HatchetExposition.TextAccept, string? scrapeTimeout = null, string method = "GET", bool keepAlive = true)
    {
        var request = Encoding.ASCII.GetBytes($"{method} /metrics HTTP/1.1\r\nHost: worker\r\nAccept: {accept}\r\n"
            + (scrapeTimeout is null ? string.Empty : $"X-Prometheus-Scrape-Timeout-Seconds: {scrapeTimeout}\r\n") + "\r\n");
        HttpRequestHead.TryParse(request, out var head).Should().Be(HttpParse.Complete);
        return new RelayedScrape(this.connection, head, request, keepAlive, now: 0);
    }

    /// <summary>Relays one scrape, waits until the relay hands it back, and returns the body the scraper receives.</summary>
    public async Task<string> ScrapeAsync(string accept = HatchetExposition.TextAccept, string? scrapeTimeout = null)
    {
        var scrape = this.Scrape(accept, scrapeTimeout);
        this.Relay.Relay(scrape);
        await this.HandedBackAsync(scrape);
        return await this.ReadAnswerAsync();
    }

    public Task HandedBackAsync(RelayedScrape scrape) => Eventually.Until(() => this.Answered.Contains(scrape), "the relay to hand the scrape back");

    /// <summary>Reads one response with a Content-Length, as the relay writes them, and returns its body.</summary>
    public async Task<string> ReadAnswerAsync()
    {
        var received = new List<byte>();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var text = Encoding.UTF8.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var lengthLine = text[..end].Split("\r\n").Single(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (received.Count >= end + 4 + length)
                {
                    this.LastHead = text[..end];
                    return Encoding.UTF8.GetString(received.ToArray(), end + 4, length);
                }
            }

            var read = await this.scraper.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            read.Should().BePositive("the relay must write a whole answer");
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    /// <summary>The scraper sends bytes while its scrape waits, as a client that sends its next request early.</summary>
    public void ScraperSends(string text) => this.scraper.Send(Encoding.ASCII.GetBytes(text));

    public void ScraperHangsUp() => this.scraper.Shutdown(SocketShutdown.Both);

    /// <summary>The scraper resets the connection (closes it with a zero linger), as a killed process's does.</summary>
    public void ScraperResets()
    {
        this.scraper.LingerState = new LingerOption(true, 0);
        this.scraper.Close();
    }

    /// <summary>Reads a response head up to its blank line, and nothing after it: the answer to a <c>HEAD</c>.</summary>
    public async Task<string> ReadHeadAsync()
    {
        var head = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (head.Count < 4 || !head[^4..].SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            (await this.scraper.ReceiveAsync(one, SocketFlags.None, timeout.Token)).Should().Be(1, "the relay must write a whole head");
            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }

    /// <summary>
    /// Whether the connection ends (the scraper reads its end) within <paramref name="within"/>, once an answer has been
    /// read: nothing but the relay writes to or shuts this connection, as no event loop serves it.
    /// </summary>
    public async Task<bool> ScraperReadsTheEndAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await this.scraper.ReceiveAsync(new byte[1], SocketFlags.None, timeout.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Whether the scraper receives anything within <paramref name="within"/>.</summary>
    public bool ScraperReceives(TimeSpan within) => this.scraper.Poll(within, SelectMode.SelectRead);

    public async ValueTask DisposeAsync()
    {
        this.Relay.Dispose();
        this.scraper.Dispose();
        this.connection.Close();
        await this.Exporter.DisposeAsync();
    }
}
