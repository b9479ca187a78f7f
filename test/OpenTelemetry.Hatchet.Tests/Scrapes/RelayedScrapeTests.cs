using System.Text;
using OpenTelemetry.Hatchet.Scrape;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>What of a scrape's request the relay passes on to the exporter, read from the request as the event loop parsed it.</summary>
public sealed class RelayedScrapeTests
{
    [Fact]
    public async Task Accept_is_passed_on_as_the_scraper_sent_it()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);

        relay.Scrape(HatchetExposition.PrometheusAccept).Accept.Should().Be(HatchetExposition.PrometheusAccept);
    }

    [Fact]
    public void Accept_of_the_longest_length_passed_on_is_passed_on_and_one_byte_more_is_not()
    {
        var longest = new string('a', ExpositionFormats.MaxForwardedAcceptLength);

        ExpositionFormats.IsPassedOn(Encoding.ASCII.GetBytes(longest)).Should().BeTrue();
        ExpositionFormats.IsPassedOn(Encoding.ASCII.GetBytes(longest + "a")).Should().BeFalse();
    }

    [Theory]
    [InlineData("10", "10")]
    [InlineData("9.5", "9.5")]
    [InlineData("12345678901234567890123456789012", "12345678901234567890123456789012")]
    [InlineData("123456789012345678901234567890123", "")]
    [InlineData("1\t0", "")]
    public async Task Scrape_timeout_is_passed_on_when_it_is_short_printable_ascii(string sent, string passedOn)
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);

        relay.Scrape(scrapeTimeout: sent).ScrapeTimeout.Should().Be(passedOn);
    }

    [Fact]
    public async Task Scrape_without_a_timeout_passes_none_on()
    {
        await using var relay = new RelayUnderTest(TimeSpan.Zero);

        relay.Scrape().ScrapeTimeout.Should().BeEmpty();
    }
}
