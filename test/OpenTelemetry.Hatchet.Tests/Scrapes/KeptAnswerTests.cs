using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

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
    public async Task Client_sending_a_new_accept_with_every_scrape_makes_the_worker_keep_no_more_than_a_few_answers()
    {
        await using var relay = new RelayUnderTest(Window);

        for (var i = 0; i < 3 * ScrapeRelay.MaxKeptAnswers; i++)
        {
            await relay.ScrapeAsync($"text/plain;version=0.0.4;q=0.{i + 1:D2}");
        }

        relay.Relay.KeptAnswers.Should().Be(ScrapeRelay.MaxKeptAnswers);
        relay.Exporter.Asked.Should().Be(3 * ScrapeRelay.MaxKeptAnswers, "each Accept is asked for once");
    }

    [Fact]
    public async Task Answers_whose_window_is_over_make_room_for_new_ones()
    {
        await using var relay = new RelayUnderTest(Window);
        for (var i = 0; i < ScrapeRelay.MaxKeptAnswers; i++)
        {
            await relay.ScrapeAsync($"text/plain;version=0.0.4;q=0.{i + 1:D2}");
        }

        relay.Time.Advance(Window);
        await relay.ScrapeAsync(HatchetExposition.TextAccept);
        relay.Time.Advance(Window - TimeSpan.FromMilliseconds(1));
        var kept = await relay.ScrapeAsync(HatchetExposition.TextAccept);

        relay.Relay.KeptAnswers.Should().Be(1, "the eight answers' windows were over");
        relay.Exporter.Asked.Should().Be(ScrapeRelay.MaxKeptAnswers + 1, "the last scrape got the kept answer");
        kept.Should().Contain($"answer {ScrapeRelay.MaxKeptAnswers + 1}");
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

    [Fact]
    public async Task Window_of_a_slow_collection_runs_from_when_the_exporter_was_asked()
    {
        await using var relay = new RelayUnderTest(Window);
        relay.Exporter.Hold();
        var slow = relay.Scrape();
        relay.Relay.Relay(slow);
        await Eventually.Until(() => relay.Exporter.Asked == 1, "the exporter to be asked");

        // The collection takes all but the last millisecond of the window; once that has passed, its answer is as old
        // as the exporter's cache keeps one, even though it arrived a moment ago.
        relay.Time.Advance(Window - TimeSpan.FromMilliseconds(1));
        relay.Exporter.Release();
        await relay.HandedBackAsync(slow);
        var first = await relay.ReadAnswerAsync();
        relay.Time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await relay.ScrapeAsync();

        first.Should().Contain("answer 1");
        second.Should().Contain("answer 2", "an answer is never older than the exporter's cache window");
        relay.Exporter.Asked.Should().Be(2);
    }
}
