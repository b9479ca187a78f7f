using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// The event loop's view of the scrapes waiting for the exporter, asked directly: how long the loop may wait, which
/// scrapes are overdue, and what a readable socket means. The stand-in exporter holds its answers, so the relay
/// answers nothing unless a test says.
/// </summary>
public sealed class WaitingScrapesTests
{
    // A scrape without X-Prometheus-Scrape-Timeout-Seconds made at 0 ms is due at ScrapeDeadline.Default.
    private static readonly long Due = (long)ScrapeDeadline.Default.TotalMilliseconds;

    [Fact]
    public async Task Loop_with_no_waiting_scrape_waits_its_idle_time()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        using var waiting = new WaitingScrapes(relay.Relay);

        waiting.SelectTimeoutMicroseconds(now: 0, idle: 250_000).Should().Be(250_000);
    }

    [Fact]
    public async Task Loop_waits_until_the_next_deadline_and_no_longer()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);

        waiting.Relay(relay.Scrape());

        waiting.SelectTimeoutMicroseconds(now: Due - 3, idle: 250_000).Should().Be(3_000);
        waiting.SelectTimeoutMicroseconds(now: Due + 5, idle: 250_000).Should().Be(0);
    }

    [Fact]
    public async Task Loop_looks_again_within_a_millisecond_while_a_client_that_spoke_is_out_of_view()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);
        var scrape = relay.Scrape();
        waiting.Relay(scrape);

        scrape.ClientSpoke = true;

        waiting.SelectTimeoutMicroseconds(now: 0, idle: 250_000).Should().Be(1_000);
    }

    [Fact]
    public async Task Scrape_is_overdue_from_its_deadline_on_and_is_taken_once()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);
        var scrape = relay.Scrape();
        waiting.Relay(scrape);

        waiting.TakeOverdue(Due - 1, all: false).Should().BeEmpty();
        waiting.TakeOverdue(Due, all: false).Should().Equal(scrape);
        waiting.TakeOverdue(Due + 1, all: false).Should().BeEmpty("a scrape taken is answered by the loop and waits no more");
        waiting.SelectTimeoutMicroseconds(now: Due + 1, idle: 250_000).Should().Be(250_000, "nothing waits, so nothing is due");
    }

    [Fact]
    public async Task Every_waiting_scrape_is_taken_when_the_pool_is_found_starved()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);
        var (first, second) = (relay.Scrape(), relay.Scrape());
        waiting.Relay(first);
        waiting.Relay(second);

        waiting.TakeOverdue(now: 0, all: true).Should().BeEquivalentTo([first, second]);
    }

    [Fact]
    public async Task Scrapes_are_full_at_the_limit_and_not_one_before()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);

        for (var count = 1; count < WaitingScrapes.Limit; count++)
        {
            waiting.Relay(relay.Scrape());
        }

        waiting.IsFull.Should().BeFalse();
        waiting.Relay(relay.Scrape());
        waiting.IsFull.Should().BeTrue();
    }

    [Fact]
    public async Task Scrape_the_relay_claimed_is_not_taken_as_overdue()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);
        var scrape = relay.Scrape();
        waiting.Relay(scrape);

        scrape.TryClaim().Should().BeTrue();

        waiting.TakeOverdue(Due, all: false).Should().BeEmpty();
    }

    [Fact]
    public async Task Client_that_hung_up_while_waiting_is_gone_and_holds_no_place()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);
        var scrape = relay.Scrape();
        waiting.Relay(scrape);

        relay.ScraperHangsUp();
        await Eventually.Until(() => scrape.Connection.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead), "the hang-up to arrive");

        waiting.Watch(scrape).Should().Be(Watched.Gone);
        waiting.TakeOverdue(now: 0, all: true).Should().BeEmpty();
    }

    [Fact]
    public async Task Scrape_whose_socket_was_closed_under_it_is_gone_and_holds_no_place()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);
        var scrape = relay.Scrape();
        waiting.Relay(scrape);

        // As the port's stop does to every connection, should its loop still be turning.
        scrape.Connection.Close();

        waiting.Watch(scrape).Should().Be(Watched.Gone);
        waiting.TakeOverdue(now: 0, all: true).Should().BeEmpty();
    }

    [Fact]
    public async Task Client_that_spoke_before_its_answer_is_out_of_view_until_the_relay_answers()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        using var waiting = new WaitingScrapes(relay.Relay);
        var scrape = relay.Scrape();
        waiting.Relay(scrape);

        relay.ScraperSends("GET /health HTTP/1.1\r\n\r\n");
        await Eventually.Until(() => scrape.Connection.Socket.Available > 0, "the early request to arrive");

        waiting.Watch(scrape).Should().Be(Watched.Waiting);
        scrape.ClientSpoke.Should().BeTrue();
        scrape.TryClaim().Should().BeTrue("the scrape is still there to be answered");
    }

    [Fact]
    public async Task Client_that_spoke_once_the_relay_answered_is_read_again()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        using var waiting = new WaitingScrapes(relay.Relay);
        var scrape = relay.Scrape();
        waiting.Relay(scrape);
        await relay.HandedBackAsync(scrape);

        relay.ScraperSends("GET /health HTTP/1.1\r\n\r\n");
        await Eventually.Until(() => scrape.Connection.Socket.Available > 0, "the next request to arrive");

        waiting.Watch(scrape).Should().Be(Watched.Answered);
        waiting.TryTakeAnswered(out _).Should().BeFalse("the scrape Watch saw answered is no longer waiting");
    }

    [Fact]
    public async Task Client_that_closed_once_the_relay_ended_its_connection_is_handed_back_answered()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        using var waiting = new WaitingScrapes(relay.Relay);
        var scrape = relay.Scrape(keepAlive: false);
        waiting.Relay(scrape);
        await relay.HandedBackAsync(scrape);

        relay.ScraperHangsUp();
        await Eventually.Until(() => scrape.Connection.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead), "the client's end to arrive");

        // Left waiting, it would be out of view and found only at a later turn of the loop.
        waiting.Watch(scrape).Should().Be(Watched.Answered);
        scrape.ClientSpoke.Should().BeFalse();
        waiting.TryTakeAnswered(out _).Should().BeFalse("the scrape Watch saw answered is no longer waiting");
    }
}
