using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// A scrape answered with the fallback, whichever way it came to that (the pool starved when it arrived, its deadline
/// passed while the exporter collected, or the pool found starved while it waited), keeps the connection as the
/// client asked: a kept-alive one stays open and its next request, sent before the answer, is answered; one that
/// asked to close is closed.
/// </summary>
public sealed class FallbackConnectionTests
{
    // The name under which WithHatchetWorkerMetrics configures its exporter.
    private const string ExporterOptionsName = "OpenTelemetry.Hatchet";

    // The shortest deadline a scrape can be given (ScrapeDeadline: 0.1 s).
    private const string ShortDeadline = "X-Prometheus-Scrape-Timeout-Seconds: 0.5\r\n";

    private const string LongDeadline = "X-Prometheus-Scrape-Timeout-Seconds: 10\r\n";

    private const string NextRequest = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

    public enum Fallback
    {
        PoolStarvedOnArrival,
        DeadlinePassed,
        PoolStarvedWhileWaiting,
    }

    [Theory]
    [InlineData(Fallback.PoolStarvedOnArrival)]
    [InlineData(Fallback.DeadlinePassed)]
    [InlineData(Fallback.PoolStarvedWhileWaiting)]
    public async Task Kept_alive_scrape_answered_with_the_fallback_leaves_the_connection_open_and_answers_the_next_request(Fallback fallback)
    {
        await using var held = await HeldWorker.StartAsync();
        using var connection = await RawConnection.OpenAsync(held.Worker.Port);

        await held.ScrapeFallingBackAsync(connection, fallback, "GET /metrics HTTP/1.1\r\nHost: x\r\n{0}\r\n" + NextRequest);
        var answer = await connection.ReadResponseAsync();
        var next = await connection.ReadResponseAsync();
        await connection.SendAsync(NextRequest);
        var third = await connection.ReadResponseAsync();

        answer.Status.Should().Be(200);
        answer.Header("Connection").Should().Be("keep-alive");
        answer.Body.Should().Contain("hatchet_worker_status").And.NotContain("held_gauge", "the exporter did not answer this scrape");
        next.Body.Should().Contain("status", "the request sent before the answer is answered on the same connection");
        third.Body.Should().Contain("status", "the connection stays open for more");
        held.Worker.Logs.Lines.Should().Contain(line => line.Message.EndsWith(FallbackLogged(fallback), StringComparison.Ordinal), "the log says why the scrape got the fallback");
    }

    [Theory]
    [InlineData(Fallback.PoolStarvedOnArrival)]
    [InlineData(Fallback.DeadlinePassed)]
    [InlineData(Fallback.PoolStarvedWhileWaiting)]
    public async Task Scrape_that_asked_to_close_and_got_the_fallback_is_closed_even_after_a_kept_alive_one(Fallback fallback)
    {
        await using var held = await HeldWorker.StartAsync();
        using var connection = await RawConnection.OpenAsync(held.Worker.Port);

        // The exporter answers the first, kept alive: the connection was kept alive until this scrape asked otherwise.
        await connection.SendAsync("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        var kept = await connection.ReadResponseAsync();
        await held.ScrapeFallingBackAsync(connection, fallback, "GET /metrics HTTP/1.1\r\nHost: x\r\n{0}Connection: close\r\n\r\n");
        var answer = await connection.ReadResponseAsync();

        kept.Body.Should().Contain("held_gauge");
        answer.Header("Connection").Should().Be("close");
        answer.Body.Should().Contain("hatchet_worker_status").And.NotContain("held_gauge");
        (await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Should().BeTrue("the client asked to close");
        held.Worker.Logs.Lines.Should().Contain(line => line.Message.EndsWith(FallbackLogged(fallback), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scrape_waiting_for_the_exporter_when_the_worker_stops_gets_the_fallback_and_the_connection_ends()
    {
        await using var held = await HeldWorker.StartAsync();
        using var connection = await RawConnection.OpenAsync(held.Worker.Port);
        await held.ScrapeFallingBackAsync(connection, Fallback.PoolStarvedWhileWaiting, "GET /metrics HTTP/1.1\r\nHost: x\r\n{0}\r\n", starve: false);

        var stopping = held.Worker.Host.StopAsync(TimeSpan.FromSeconds(10));
        var answer = await connection.ReadResponseAsync();
        await stopping;

        answer.Status.Should().Be(200);
        answer.Body.Should().Contain("hatchet_worker_status").And.NotContain("held_gauge");
        (await connection.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Should().BeTrue("the worker has stopped");
        held.Worker.Logs.Lines.Should().Contain(line => line.Message.EndsWith("with the hatchet_worker_* families only: the worker is stopping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connection_reset_while_its_scrape_waits_out_of_view_is_closed_at_the_deadline_and_not_held()
    {
        await using var held = await HeldWorker.StartAsync();
        using var connection = await RawConnection.OpenAsync(held.Worker.Port);

        // A deadline of 2.4 s leaves the test time to reset the connection before it; a request sent with the scrape
        // waits in the port's buffer for the scrape's answer.
        await held.ScrapeFallingBackAsync(connection, Fallback.DeadlinePassed, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Prometheus-Scrape-Timeout-Seconds: 3\r\n\r\n" + NextRequest);

        // The port has accepted the connection by now: its scrape is being collected.
        var inode = OwnedSockets.ConnectionInode(Environment.ProcessId, held.Worker.Port, connection.LocalPort);
        inode.Should().NotBeNull("the worker's end of the connection is in the tables while it is open");

        // More bytes before the answer take the socket out of the loop's view until the scrape is answered; the reset
        // then goes unseen, and the fallback at the deadline is the first the port learns of it.
        await connection.SendAsync(NextRequest);
        connection.Abort();

        await Eventually.Until(() => !OwnedSockets.Holds(Environment.ProcessId, inode!), "the worker to close its end of the reset connection", TimeSpan.FromSeconds(10));
        held.Worker.Logs.Lines.Should().Contain(line => line.Message.EndsWith(FallbackLogged(Fallback.DeadlinePassed), StringComparison.Ordinal), "the deadline passed");
        held.Worker.Logs.Lines.Should().NotContain(line => line.Level >= Microsoft.Extensions.Logging.LogLevel.Warning, "a client's reset is no fault of the port, nor is the request it left behind");
    }

    private static string FallbackLogged(Fallback fallback)
        => "with the hatchet_worker_* families only: "
            + (fallback == Fallback.DeadlinePassed ? "the exporter did not answer within the scrape's deadline" : "the thread pool is starved");

    /// <summary>
    /// A worker whose thread-pool lag is only what the test reports, with an application gauge the test can hold in the
    /// middle of a collection, and the exporter's cache off so that each scrape collects.
    /// </summary>
    private sealed class HeldWorker : IAsyncDisposable
    {
        private readonly ManualResetEventSlim release = new(initialState: true);
        private readonly ManualResetEventSlim entered = new();

        private HeldWorker()
        {
            this.Meter = new Meter($"Held.{Guid.NewGuid():N}");
            this.Meter.CreateObservableGauge("held.gauge", () =>
            {
                this.entered.Set();
                this.release.Wait(TimeSpan.FromSeconds(30));
                return 1;
            });
        }

        public Meter Meter { get; }

        public WorkerHost Worker { get; private set; } = null!;

        public static async Task<HeldWorker> StartAsync()
        {
            var held = new HeldWorker();
            held.Worker = await HatchetExposition.StartStillWorkerAsync(services =>
            {
                services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(held.Meter.Name));
                services.Configure<PrometheusHttpListenerOptions>(ExporterOptionsName, exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0);
            });
            return held;
        }

        /// <summary>
        /// Sends <paramref name="request"/> (its <c>{0}</c> replaced by a scrape timeout) so that the scrape is answered
        /// with the fallback in the way asked.
        /// </summary>
        /// <param name="starve">Whether a scrape <see cref="Fallback.PoolStarvedWhileWaiting"/> is then starved, or left waiting.</param>
        public async Task ScrapeFallingBackAsync(RawConnection connection, Fallback fallback, string request, bool starve = true)
        {
            if (fallback == Fallback.PoolStarvedOnArrival)
            {
                this.Worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(7.25));
                await connection.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, request, LongDeadline));
                return;
            }

            this.entered.Reset();
            this.release.Reset();
            await connection.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, request, fallback == Fallback.DeadlinePassed ? ShortDeadline : LongDeadline));
            await Eventually.Until(() => this.entered.IsSet, "the scrape's collection to reach the held gauge");
            if (fallback == Fallback.PoolStarvedWhileWaiting && starve)
            {
                this.Worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(7.25));
            }
        }

        public async ValueTask DisposeAsync()
        {
            this.release.Set();
            await this.Worker.DisposeAsync();
            this.Meter.Dispose();
            this.release.Dispose();
            this.entered.Dispose();
        }
    }
}
