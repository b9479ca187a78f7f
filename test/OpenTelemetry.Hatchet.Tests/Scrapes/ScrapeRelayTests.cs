using System.Net.Sockets;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// The relay asked directly (<see cref="RelayUnderTest"/>): what it passes on to the exporter, how scrapes share an
/// exchange, what it does when the exporter's answer will not do, and how it hands a scrape back to the event loop.
/// </summary>
public sealed class ScrapeRelayTests
{
    [Fact]
    public async Task Exporter_is_asked_with_the_scrapes_accept_and_scrape_timeout()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);

        await relay.ScrapeAsync(HatchetExposition.PrometheusAccept, scrapeTimeout: "10");

        var request = relay.Exporter.Requests.Should().ContainSingle().Subject;
        request.Should().Contain($"Accept: {HatchetExposition.PrometheusAccept}\r\n").And.Contain("X-Prometheus-Scrape-Timeout-Seconds: 10");
    }

    [Fact]
    public async Task Accept_too_long_to_pass_on_is_not_passed_on_at_all()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);

        await relay.ScrapeAsync("text/plain;" + new string('a', OpenTelemetry.Hatchet.Scrape.ExpositionFormats.MaxForwardedAcceptLength));

        relay.Exporter.Requests.Should().ContainSingle().Which.Should().NotContain("Accept:");
    }

    [Fact]
    public async Task Exporter_that_cannot_be_reached_gets_the_scrape_the_fallback_and_is_logged()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        var closed = FreeTcpPort.Next();
        relay.ExporterPort = () => closed;

        var body = await relay.ScrapeAsync();

        body.Should().Contain("hatchet_worker_status");
        relay.Logs.Lines.Should().Contain(line => line.Message.Contains("could not collect metrics for a scrape: the Prometheus exporter could not be asked: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exporter_that_does_not_answer_within_the_collection_limit_gets_the_scrape_the_fallback_and_the_limit_is_logged()
    {
        // The relay's own limit is 10 s; the test shortens it, as it could not wait that long for each run.
        await using var relay = new RelayUnderTest(TimeSpan.Zero, collectionLimit: TimeSpan.FromMilliseconds(200));
        relay.Exporter.Hold();

        var body = await relay.ScrapeAsync();

        body.Should().Contain("hatchet_worker_status").And.NotContain("answer 1");
        relay.Logs.Lines.Select(line => line.Message).Should().Contain(message => message.EndsWith("could not collect metrics for a scrape: the Prometheus exporter did not answer within 0.2 s", StringComparison.Ordinal))
            .And.Contain(message => message.EndsWith("with the hatchet_worker_* families only: the Prometheus exporter did not answer within 0.2 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scrape_without_a_scrape_timeout_is_passed_on_without_one()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);

        await relay.ScrapeAsync(HatchetExposition.TextAccept);

        relay.Exporter.Requests.Should().ContainSingle().Which.Should().NotContain("X-Prometheus-Scrape-Timeout-Seconds");
    }

    [Fact]
    public async Task Scrapes_with_the_same_accept_while_the_exporter_is_asked_share_its_answer()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        var first = relay.Scrape();
        var second = relay.Scrape();

        relay.Relay.Relay(first);
        await Eventually.Until(() => relay.Exporter.Asked == 1, "the exporter to be asked");
        relay.Relay.Relay(second);
        relay.Exporter.Release();
        await relay.HandedBackAsync(first);
        await relay.HandedBackAsync(second);

        relay.Exporter.Asked.Should().Be(1);
    }

    [Fact]
    public async Task Scrape_the_event_loop_answered_first_is_left_alone_by_the_relay()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        var scrape = relay.Scrape();

        relay.Relay.Relay(scrape);
        await Eventually.Until(() => relay.Exporter.Asked == 1, "the exporter to be asked");
        scrape.TryClaim().Should().BeTrue("the event loop claims it, as at its deadline");
        relay.Exporter.Release();

        // A relay that wrote now would put a second answer on the event loop's connection.
        relay.ScraperReceives(TimeSpan.FromMilliseconds(300)).Should().BeFalse();
        relay.Answered.Should().BeEmpty();
    }

    [Fact]
    public async Task Scrape_the_relay_answered_is_marked_answered_before_it_is_handed_back()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        var scrape = relay.Scrape();
        var answeredWhenHandedBack = false;
        relay.Relay.Answered += handed => answeredWhenHandedBack = handed.IsAnswered;

        relay.Relay.Relay(scrape);
        await relay.HandedBackAsync(scrape);

        answeredWhenHandedBack.Should().BeTrue();
    }

    [Fact]
    public async Task Exporter_refusing_the_scrape_gets_the_fallback_and_both_are_logged()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.RefuseNext = true;

        var body = await relay.ScrapeAsync();

        body.Should().Contain("hatchet_worker_status").And.NotContain("answer 1");
        relay.Logs.Lines.Select(line => line.Message).Should().Contain(message => message.EndsWith("could not collect metrics for a scrape: the Prometheus exporter answered 500", StringComparison.Ordinal))
            .And.Contain(message => message.EndsWith("with the hatchet_worker_* families only: the Prometheus exporter answered 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exporter_answer_without_a_media_type_gets_the_fallback()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.OmitMediaTypeNext = true;

        var body = await relay.ScrapeAsync();

        body.Should().Contain("hatchet_worker_status").And.NotContain("answer 1");
        relay.Logs.Lines.Should().Contain(line => line.Message.EndsWith("the Prometheus exporter's answer has no media type", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exporter_that_is_not_served_gets_the_scrape_a_503()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        using var notServed = new OpenTelemetry.Hatchet.Scrape.ScrapeRelay(() => null, new HatchetWorkerHealth(), null, TimeSpan.Zero, relay.Time, relay.Logs.CreateLogger("relay"));
        var handedBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        notServed.Answered += _ => handedBack.TrySetResult();

        notServed.Relay(relay.Scrape());
        await handedBack.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        (await relay.ReadAnswerAsync()).Should().Be("metrics are not being served");
        relay.LastHead.Should().StartWith("HTTP/1.1 503").And.Contain("Connection: close", "only a 200 keeps the connection");
    }

    [Fact]
    public async Task Answer_larger_than_the_scrapers_socket_takes_at_once_arrives_whole_as_the_scraper_reads()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero, socketBuffer: 4096);
        relay.Exporter.Padding = 512 * 1024;
        var scrape = relay.Scrape();

        relay.Relay.Relay(scrape);
        var body = await relay.ReadAnswerAsync();

        // Compared without printing half a megabyte on failure.
        var exporters = $"# TYPE answer gauge\nanswer 1\n# {new string('x', relay.Exporter.Padding)}\n";
        body.StartsWith(exporters, StringComparison.Ordinal).Should().BeTrue("the exporter's whole answer comes first");
        body[exporters.Length..].Should().StartWith("# TYPE hatchet_worker_").And.Contain("hatchet_worker_status{", "then the families it lacked");
        await relay.HandedBackAsync(scrape);
        scrape.IsAnswered.Should().BeTrue();
    }

    [Fact]
    public async Task Head_scrape_gets_the_head_alone_so_the_next_answer_on_the_connection_starts_clean()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        var head = relay.Scrape(method: "HEAD");
        relay.Relay.Relay(head);
        await relay.HandedBackAsync(head);

        var headAnswer = await relay.ReadHeadAsync();
        var body = await relay.ScrapeAsync();

        headAnswer.Should().StartWith("HTTP/1.1 200 OK").And.Contain("Content-Length: ");
        relay.LastHead.Should().StartWith("HTTP/1.1 200 OK", "no body of the HEAD answer comes before it");
        body.Should().StartWith("# TYPE answer gauge\nanswer 2\n");
    }

    [Fact]
    public async Task Scrape_whose_client_reset_the_connection_is_handed_back_with_the_connection_not_kept()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        relay.Exporter.Hold();
        var scrape = relay.Scrape();
        relay.Relay.Relay(scrape);
        await Eventually.Until(() => relay.Exporter.Asked == 1, "the exporter to be asked");

        relay.ScraperResets();
        relay.Exporter.Release();
        await relay.HandedBackAsync(scrape);

        scrape.IsAnswered.Should().BeTrue();
        scrape.Connection.KeepAlive.Should().BeFalse("a connection the answer could not be written to is closed");
        relay.Logs.Lines.Should().Contain(line => line.Message == "Hatchet worker healthcheck could not answer a request" && line.Exception is SocketException);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Scrape_whose_client_asked_to_close_ends_the_connection_once_the_whole_answer_is_sent(string method)
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        var scrape = relay.Scrape(method: method, keepAlive: false);

        relay.Relay.Relay(scrape);
        var answer = method == "HEAD" ? await relay.ReadHeadAsync() : await relay.ReadAnswerAsync();

        // Nothing else serves this connection: a relay that left the end to the event loop's next turn never ends it.
        (await relay.ScraperReadsTheEndAsync(TimeSpan.FromSeconds(5))).Should().BeTrue("a client that asked to close reads until the connection ends");
        (method == "HEAD" ? answer : relay.LastHead).Should().StartWith("HTTP/1.1 200 OK").And.Contain("Connection: close");
        await relay.HandedBackAsync(scrape);
        scrape.Connection.KeepAlive.Should().BeFalse();
    }

    [Fact]
    public async Task Answer_on_a_kept_alive_connection_leaves_it_open()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);

        await relay.ScrapeAsync();

        (await relay.ScraperReadsTheEndAsync(TimeSpan.FromMilliseconds(300))).Should().BeFalse("the client's next request comes on this connection");
    }

    [Fact]
    public async Task Answer_that_is_not_a_200_ends_the_connection_once_sent_as_it_says()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);
        using var notServed = new OpenTelemetry.Hatchet.Scrape.ScrapeRelay(() => null, new HatchetWorkerHealth(), null, TimeSpan.Zero, relay.Time, relay.Logs.CreateLogger("relay"));

        notServed.Relay(relay.Scrape());
        await relay.ReadAnswerAsync();

        relay.LastHead.Should().StartWith("HTTP/1.1 503").And.Contain("Connection: close");
        (await relay.ScraperReadsTheEndAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();
    }
}
