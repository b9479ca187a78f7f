using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Hatchet.Http;
using OpenTelemetry.Hatchet.Port;
using OpenTelemetry.Hatchet.Scrape;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// The relay keeps the exporter's answer for the exporter's own cache window, so that a scraper within it waits
/// for one HTTP exchange, not two. Asked of the relay directly, with a loopback stand-in for the exporter that
/// counts what it is asked, and a fake clock for the window.
/// </summary>
public sealed class KeptAnswerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Scrape_within_the_window_gets_the_kept_answer_without_asking_the_exporter()
    {
        await using var relay = new Relay(Window);

        var first = await relay.ScrapeAsync();
        relay.Time.Advance(Window - TimeSpan.FromMilliseconds(1));
        var second = await relay.ScrapeAsync();

        relay.Exporter.Asked.Should().Be(1);
        first.Should().Contain("answer 1");
        second.Should().Be(first);
    }

    [Fact]
    public async Task Scrape_once_the_window_is_over_asks_the_exporter_again()
    {
        await using var relay = new Relay(Window);

        await relay.ScrapeAsync();
        relay.Time.Advance(Window);
        var second = await relay.ScrapeAsync();

        relay.Exporter.Asked.Should().Be(2);
        second.Should().Contain("answer 2");
    }

    [Fact]
    public async Task Without_a_window_every_scrape_asks_the_exporter()
    {
        await using var relay = new Relay(TimeSpan.Zero);

        await relay.ScrapeAsync();
        await relay.ScrapeAsync();

        relay.Exporter.Asked.Should().Be(2);
    }

    [Fact]
    public async Task Scrape_with_another_accept_is_not_given_the_answer_kept_for_the_first()
    {
        await using var relay = new Relay(Window);

        await relay.ScrapeAsync(HatchetExposition.TextAccept);
        var other = await relay.ScrapeAsync(HatchetExposition.PrometheusAccept);

        relay.Exporter.Asked.Should().Be(2);
        other.Should().Contain("answer 2");
    }

    [Fact]
    public async Task Answer_the_exporter_refused_is_not_kept()
    {
        await using var relay = new Relay(Window);
        relay.Exporter.RefuseNext = true;

        var refused = await relay.ScrapeAsync();
        var second = await relay.ScrapeAsync();

        refused.Should().NotContain("answer 1", "a refused exchange is answered with the fallback");
        relay.Exporter.Asked.Should().Be(2);
        second.Should().Contain("answer 2");
    }

    /// <summary>A relay to a stand-in exporter, and a scraper's connection to hand it scrapes on.</summary>
    private sealed class Relay : IAsyncDisposable
    {
        private readonly ScrapeRelay relay;
        private readonly Socket scraper;
        private readonly ClientConnection connection;

        public Relay(TimeSpan window)
        {
            this.relay = new ScrapeRelay(() => this.Exporter.Port, new HatchetWorkerHealth(), null, window, this.Time, NullLogger.Instance);
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            this.scraper = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            this.scraper.Connect((IPEndPoint)listener.LocalEndpoint);
            this.connection = new ClientConnection(listener.AcceptSocket(), 0);
        }

        public FakeTimeProvider Time { get; } = new();

        public StandInExporter Exporter { get; } = new();

        /// <summary>Hands the relay one scrape and returns the body the scraper receives.</summary>
        public async Task<string> ScrapeAsync(string accept = HatchetExposition.TextAccept)
        {
            var request = Encoding.ASCII.GetBytes($"GET /metrics HTTP/1.1\r\nHost: worker\r\nAccept: {accept}\r\n\r\n");
            HttpRequestHead.TryParse(request, out var head).Should().Be(HttpParse.Complete);
            var scrape = new RelayedScrape(this.connection, head, request, keepAlive: true, now: 0);
            var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnAnswered(RelayedScrape done) => answered.TrySetResult();
            this.relay.Answered += OnAnswered;
            try
            {
                this.relay.Relay(scrape);
                await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
            finally
            {
                this.relay.Answered -= OnAnswered;
            }

            return await ReadAnswerAsync(this.scraper);
        }

        public async ValueTask DisposeAsync()
        {
            this.relay.Dispose();
            this.scraper.Dispose();
            this.connection.Close();
            await this.Exporter.DisposeAsync();
        }

        // Reads one response with a Content-Length, as the relay writes them, and returns its body.
        private static async Task<string> ReadAnswerAsync(Socket socket)
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
                        return Encoding.UTF8.GetString(received.ToArray(), end + 4, length);
                    }
                }

                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                read.Should().BePositive("the relay must write a whole answer");
                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }
    }

    /// <summary>
    /// Stands in for the exporter's listener: answers each <c>GET</c> with a numbered exposition, or <c>500</c> when
    /// told to refuse, on kept-alive connections, and counts what it is asked.
    /// </summary>
    private sealed class StandInExporter : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly Task serving;
        private int asked;

        public StandInExporter()
        {
            this.listener.Start();
            this.serving = this.ServeAsync();
        }

        public int? Port => ((IPEndPoint)this.listener.LocalEndpoint).Port;

        public int Asked => Volatile.Read(ref this.asked);

        public bool RefuseNext { get; set; }

        public async ValueTask DisposeAsync()
        {
            await this.stop.CancelAsync();
            this.listener.Stop();
            await this.serving.ContinueWith(static _ => { }, TaskScheduler.Default);
            this.stop.Dispose();
        }

        private async Task ServeAsync()
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var socket = await this.listener.AcceptSocketAsync(this.stop.Token);
                    connections.Add(this.AnswerAsync(socket));
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                await Task.WhenAll(connections).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }

        private async Task AnswerAsync(Socket socket)
        {
            using var _ = socket;
            var pending = string.Empty;
            var buffer = new byte[8192];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, this.stop.Token);
                if (read == 0)
                {
                    return;
                }

                pending += Encoding.ASCII.GetString(buffer, 0, read);
                int end;
                while ((end = pending.IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    pending = pending[(end + 4)..];
                    var number = Interlocked.Increment(ref this.asked);
                    var refuse = this.RefuseNext;
                    this.RefuseNext = false;
                    var body = refuse ? string.Empty : $"# TYPE answer gauge\nanswer {number}\n";
                    var response = $"HTTP/1.1 {(refuse ? "500 Internal Server Error" : "200 OK")}\r\n"
                        + "Content-Type: text/plain; charset=utf-8; version=0.0.4\r\n"
                        + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
                    await socket.SendAsync(Encoding.UTF8.GetBytes(response), SocketFlags.None, this.stop.Token);
                }
            }
        }
    }
}
