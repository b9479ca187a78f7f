using System.Text;
using CsCheck;
using OpenTelemetry.Hatchet.Http;
using OpenTelemetry.Hatchet.Scrape;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>The format the fallback writes, chosen from the scraper's <c>Accept</c> as the exporter chooses it.</summary>
public sealed class ExpositionFormatTests
{
    [Theory]
    [InlineData(HatchetExposition.PrometheusAccept, true)]
    [InlineData("application/openmetrics-text", true)]
    [InlineData("APPLICATION/OPENMETRICS-TEXT", true)]
    [InlineData(" application/openmetrics-text", true)]
    [InlineData("foo, application/openmetrics-text; version=1.0.0", true)]
    [InlineData("text/plain, application/openmetrics-text", false)]
    [InlineData("text/plain;q=1,application/openmetrics-text;q=0.1", false)]
    [InlineData("application/openmetrics-textx", false)]
    [InlineData("application/openmetrics-text;version=2.0.0", false)]
    [InlineData("application/openmetrics-text;q=abc", false)]
    [InlineData("application/openmetrics-text;q=0", false)]
    [InlineData("text/plain;version=0.0.4;q=0.5,application/openmetrics-text;q=0.6", true)]
    [InlineData("application/openmetrics-text;q=2,text/plain;q=0.5", false)]
    [InlineData("application/openmetrics-text;q=,text/plain;q=0.5", false)]
    [InlineData("text/plain;version=0.0.4,application/openmetrics-text;q=0.5", false)]
    [InlineData("", false)]
    [InlineData("*/*", false)]
    public void Accept_header_chooses_the_format_the_exporter_answers_with(string accept, bool openMetrics)
        => ExpositionFormats.Negotiate(Encoding.ASCII.GetBytes(accept)).Should().Be(openMetrics ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText);

    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores", "OpenMetrics")]
    [InlineData("Application/OpenMetrics-Text", "OpenMetrics")]
    [InlineData("application/openmetrics-text; version=0.0.1; charset=utf-8", "OpenMetricsV0")]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", "PrometheusText")]
    [InlineData("text/plain; version=1.0.0; charset=utf-8; escaping=underscores", "PrometheusTextV1")]
    [InlineData("", "PrometheusText")]
    public void Exporters_content_type_names_the_format_of_its_answer(string contentType, string format)
        => ExpositionFormats.OfContentType(Encoding.ASCII.GetBytes(contentType)).Should().Be(Enum.Parse<ExpositionFormat>(format));

    [Fact]
    public void Each_format_is_named_by_the_content_type_it_is_answered_with()
    {
        foreach (var format in Enum.GetValues<ExpositionFormat>())
        {
            ExpositionFormats.OfContentType(ExpositionFormats.ContentType(format)).Should().Be(format);
        }
    }

    [Fact]
    public void Any_content_type_names_openmetrics_exactly_when_its_media_type_is_openmetrics()
    {
        // Property: whatever the exporter's answer says, Complete is told OpenMetrics (and so keeps # EOF
        // last) exactly for an application/openmetrics-text answer, and 0.0.1 only when it says so.
        var piece = Gen.Frequency(
            (4, Gen.OneOf("application/openmetrics-text", "Application/OpenMetrics-Text", "text/plain", "; version=", "0.0.1", "1.0.0", "0.0.4", "; charset=utf-8", "; escaping=underscores", " ", ";")),
            (1, Gen.Char.Select(c => c.ToString())));
        piece.Array[0, 8].Select(parts => string.Concat(parts)).Sample(contentType =>
        {
            var format = ExpositionFormats.OfContentType(Encoding.UTF8.GetBytes(contentType));
            var openMetrics = contentType.StartsWith("application/openmetrics-text", StringComparison.OrdinalIgnoreCase);
            ExpositionFormats.IsOpenMetrics(format).Should().Be(openMetrics);
            (format == ExpositionFormat.OpenMetricsV0).Should().Be(openMetrics && contentType.Contains("version=0.0.1", StringComparison.Ordinal));
            (format == ExpositionFormat.PrometheusTextV1).Should().Be(!openMetrics && contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) && contentType.Contains("version=1.0.0", StringComparison.Ordinal));
        }, iter: 10_000);
    }

    [Fact]
    public void Any_bytes_choose_a_format_and_an_openmetrics_choice_names_openmetrics()
    {
        // Property: for random Accept values built from the pieces that matter and noise, the choice is
        // defined, and OpenMetrics is chosen only when the value names application/openmetrics-text.
        var random = new Random(20261201);
        string[] pieces = ["application/openmetrics-text", "text/plain", "*/*", ";", ",", " ", "q=", "0.5", "1", "0", "version=", "1.0.0", "0.0.4", "\"", "x", "\t"];
        for (var i = 0; i < 20_000; i++)
        {
            var text = new StringBuilder();
            for (var part = random.Next(0, 12); part > 0; part--)
            {
                text.Append(random.Next(8) == 0 ? ((char)random.Next(0x20, 0x7f)).ToString() : pieces[random.Next(pieces.Length)]);
            }

            var accept = text.ToString();
            var format = ExpositionFormats.Negotiate(Encoding.ASCII.GetBytes(accept));

            Enum.IsDefined(format).Should().BeTrue();
            if (ExpositionFormats.IsOpenMetrics(format))
            {
                accept.Should().ContainEquivalentOf("application/openmetrics-text");
            }
        }
    }

    [Theory]
    [InlineData("", 4000)]
    [InlineData("5", 4000)]
    [InlineData("1", 500)]
    [InlineData("2", 1500)]
    [InlineData("10", 8000)]
    [InlineData("0.2", 100)]
    [InlineData("120", 10000)]
    [InlineData("-3", 4000)]
    [InlineData("0", 4000)]
    [InlineData("NaN", 4000)]
    [InlineData("5s", 4000)]
    public void Scrapers_timeout_gives_the_scrape_a_deadline_well_inside_it(string header, int expectedMilliseconds)
        => ScrapeDeadline.Budget(Encoding.ASCII.GetBytes(header)).Should().Be(TimeSpan.FromMilliseconds(expectedMilliseconds));

    [Fact]
    public void Scrape_timeout_header_is_found_in_any_case()
    {
        var head = "GET /metrics HTTP/1.1\r\nHost: x\r\nx-prometheus-scrape-timeout-seconds:  2.5 \r\nAccept: */*\r\n\r\n"u8;

        HttpRequestHead.TryParse(head, out var parsed).Should().Be(HttpParse.Complete);

        Encoding.ASCII.GetString(head[parsed.ScrapeTimeout]).Should().Be("2.5");
        Encoding.ASCII.GetString(head[parsed.Accept]).Should().Be("*/*");
    }
}
