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
        await using var relay = new RelayUnderTest(Window);

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
        await using var relay = new RelayUnderTest(Window);

        await relay.ScrapeAsync();
        relay.Time.Advance(Window);
        var second = await relay.ScrapeAsync();

        relay.Exporter.Asked.Should().Be(2);
        second.Should().Contain("answer 2");
    }

    [Fact]
    public async Task Without_a_window_every_scrape_asks_the_exporter()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);

        await relay.ScrapeAsync();
        await relay.ScrapeAsync();

        relay.Exporter.Asked.Should().Be(2);
    }

    [Fact]
    public async Task Scrape_with_another_accept_is_not_given_the_answer_kept_for_the_first()
    {
        await using var relay = new RelayUnderTest(Window);

        await relay.ScrapeAsync(HatchetExposition.TextAccept);
        var other = await relay.ScrapeAsync(HatchetExposition.PrometheusAccept);

        relay.Exporter.Asked.Should().Be(2);
        other.Should().Contain("answer 2");
    }

    [Fact]
    public async Task Answer_the_exporter_refused_is_not_kept()
    {
        await using var relay = new RelayUnderTest(Window);
        relay.Exporter.RefuseNext = true;

        var refused = await relay.ScrapeAsync();
        var second = await relay.ScrapeAsync();

        refused.Should().NotContain("answer 1", "a refused exchange is answered with the fallback");
        relay.Exporter.Asked.Should().Be(2);
        second.Should().Contain("answer 2");
    }
}
