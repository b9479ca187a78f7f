using System.Text;
using CsCheck;
using OpenTelemetry.Hatchet.Scrape;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// The fallback answers each <c>Accept</c> in the format the OpenTelemetry Prometheus exporter answers it
/// in, with the same <c>Content-Type</c>: checked against the exporter's listener, through the port, and
/// against the exporter's own parser for any header.
/// </summary>
public sealed class ExporterNegotiationTests
{
    // Printable ASCII no longer than 512 bytes: the port passes these on to the exporter as they are.
    public static TheoryData<string> ForwardedAccepts() =>
    [
        HatchetExposition.PrometheusAccept,
        HatchetExposition.OpenMetricsV0Accept,
        "application/openmetrics-text;version=0.0.1,text/plain;version=0.0.4;q=0.5",
        HatchetExposition.TextV1Accept,
        "text/plain;version=1.0.0;escaping=allow-utf-8",
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
        "application/openmetrics-text;version=\"0.0.1\"",
        "application/openmetrics-text;version=01.0.0",
        "application/openmetrics-text;version=1.0",
        "application/openmetrics-text;escaping=dots",
        "application/openmetrics-text;escaping=bogus,text/plain;version=1.0.0",
        "application/openmetrics-text;escaping=Underscores",
        "application/openmetrics-text;q=5e-1,text/plain;q=0.4",
        "application/openmetrics-text;q=.5,text/plain;q=0.4",
        "application/openmetrics-text;version=0.0.4",
        "text/plain;version=0.0.1,application/openmetrics-text;q=0.1",
        HatchetExposition.TextAccept,
        "*/*",
    ];

    // Values the port does not pass on (a tab, longer than 512 bytes): the exporter answers them as having no Accept.
    public static TheoryData<string> AllAccepts()
    {
        var accepts = new TheoryData<string>(ForwardedAccepts().Select(row => row.Data));
        accepts.Add("application/openmetrics-text;\tversion=1.0.0");
        accepts.Add("application/openmetrics-text;version=1.0.0" + string.Concat(Enumerable.Repeat(",x/y", 120)));
        return accepts;
    }

    [Theory]
    [MemberData(nameof(ForwardedAccepts))]
    public void Accept_gets_the_content_type_the_exporters_own_parser_gives_it(string accept)
        => Encoding.ASCII.GetString(ExpositionFormats.ContentType(ExpositionFormats.Negotiate(Encoding.ASCII.GetBytes(accept))))
            .Should().Be(ExporterInternals.ContentTypeFor(accept));

    [Theory]
    [MemberData(nameof(ForwardedAccepts))]
    public async Task Exporters_listener_answers_an_accept_in_the_content_type_its_parser_gives(string accept)
    {
        await using var worker = await HatchetExposition.StartStillWorkerAsync();

        var answer = await HatchetExposition.AskExporterAsync(worker, accept);

        answer.ContentType.Should().Be(ExporterInternals.ContentTypeFor(accept), "the reflected parser is what the listener runs");
    }

    [Theory]
    [MemberData(nameof(AllAccepts))]
    public async Task Port_answers_an_accept_in_the_format_the_fallback_would_answer_it_in(string accept)
    {
        await using var worker = await HatchetExposition.StartStillWorkerAsync();

        var answer = await HatchetExposition.ScrapeAsync(worker.Port, accept);

        answer.Body.Should().Contain("dotnet_", "this is the exporter's answer, not the fallback's");
        answer.ContentType.Should().Be(Encoding.ASCII.GetString(ExpositionFormats.ContentType(ExpositionFormats.Negotiate(Encoding.ASCII.GetBytes(accept)))));
    }

    [Fact]
    public async Task Starved_worker_asked_for_openmetrics_0_0_1_gets_openmetrics_0_0_1_from_the_fallback()
    {
        await using var worker = await HatchetExposition.StartStillWorkerAsync();
        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(7.25));

        var answer = await HatchetExposition.ScrapeAsync(worker.Port, HatchetExposition.OpenMetricsV0Accept);

        answer.Body.Should().NotContain("dotnet_", "a starved pool is answered by the fallback");
        answer.ContentType.Should().Be(ExporterInternals.ContentTypeFor(HatchetExposition.OpenMetricsV0Accept)).And.Be("application/openmetrics-text; version=0.0.1; charset=utf-8");
        answer.Body.Should().Contain("# UNIT hatchet_worker_event_loop_lag_seconds seconds\n").And.EndWith("# EOF\n");
        HatchetExposition.Families(answer.Body).Should().Be(HatchetExposition.Families(HatchetExposition.Fallback(worker, ExpositionFormat.OpenMetrics)), "OpenMetrics 0.0.1 is written as 1.0.0 is");
    }

    [Fact]
    public void Any_forwarded_accept_gets_the_content_type_the_exporters_own_parser_gives_it()
    {
        // Property: for Accept values made of media ranges with the parameters the parser reads, their
        // values right and wrong, in any case, order and spacing, with noise, the fallback's Content-Type is
        // the exporter's.
        var space = Gen.OneOf("", "", " ", "  ");
        var mediaType = Gen.OneOf(
            "application/openmetrics-text", "APPLICATION/OpenMetrics-Text", "text/plain", "Text/Plain", "*/*", "text/html", "application/openmetrics-textx", "text/plain;", "");
        var quality = Gen.Frequency(
            (3, Gen.OneOf("0", "1", "0.5", "1.0", "1.000", ".5", "1.", "0.1", "0.75", "0.25")),
            (1, Gen.OneOf("", "+0.5", "5e-1", "0.0", "1.0001", "2", "NaN", "Infinity", "0,5", " 0.5", "-0", "0x1", "1 ")));
        var version = Gen.Frequency(
            (3, Gen.OneOf("0.0.1", "1.0.0", "0.0.4")),
            (1, Gen.OneOf("\"1.0.0\"", "\"0.0.1", "01.0.0", "1.0", "1.0.0.0", "+1.0.0", "1. 0.0", "2.0.0", "0.0.4 ", "", "1.0.0\"", "\"\"", "0.00.1")));
        var escaping = Gen.Frequency(
            (3, Gen.OneOf("underscores", "dots", "values", "allow-utf-8")),
            (1, Gen.OneOf("Underscores", "\"dots\"", "bogus", "", "allow_utf_8")));
        var parameter = Gen.OneOf(
            Gen.Select(Gen.OneOf("q=", "Q=", "q =", "q"), quality, (name, value) => name + value),
            Gen.Select(Gen.OneOf("version=", "VERSION=", "version ="), version, (name, value) => name + value),
            Gen.Select(Gen.OneOf("escaping=", "Escaping=", "escaping"), escaping, (name, value) => name + value),
            Gen.OneOf("charset=utf-8", "level=1", "", "=", "\""));
        var range = Gen.Select(
            space,
            mediaType,
            Gen.Select(space, parameter, space, (before, value, after) => ";" + before + value + after).Array[0, 4],
            space,
            (before, type, parameters, after) => before + type + string.Concat(parameters) + after);
        var noise = Gen.Char[' ', '~'].Select(c => c.ToString());
        var accepts = Gen.Select(range.Array[0, 5], Gen.Frequency((4, Gen.Const(string.Empty)), (1, noise)), Gen.Int[0, 200], (ranges, extra, at) =>
        {
            var accept = string.Join(",", ranges);
            return accept.Insert(Math.Min(at, accept.Length), extra);
        }).Where(accept => accept.Length <= ExpositionFormats.MaxForwardedAcceptLength);

        accepts.Sample(
            accept => Encoding.ASCII.GetString(ExpositionFormats.ContentType(ExpositionFormats.Negotiate(Encoding.ASCII.GetBytes(accept)))) == ExporterInternals.ContentTypeFor(accept),
            iter: 20_000);
    }

    [Fact]
    public void Any_accept_the_port_does_not_pass_on_gets_text_0_0_4_as_the_exporter_answers_none()
    {
        // Property: a byte outside printable ASCII, or more than 512 bytes, and the port sends the exporter
        // no Accept at all, which the exporter answers in text 0.0.4.
        var unprintable = Gen.Select(Gen.Byte.Array[0, 60], Gen.OneOf(Gen.Byte[0, 0x1f], Gen.Byte[0x7f, 0xff]), Gen.Byte.Array[0, 60], (before, bad, after) => (byte[])[.. before, bad, .. after]);
        var tooLong = Gen.Byte[0x20, 0x7e].Array[ExpositionFormats.MaxForwardedAcceptLength + 1, 2000];
        var header = Encoding.ASCII.GetBytes(HatchetExposition.OpenMetricsV0Accept + ",");

        Gen.OneOf(unprintable, tooLong).Select(bytes => (byte[])[.. header, .. bytes]).Sample(
            accept => ExpositionFormats.Negotiate(accept) == ExpositionFormat.PrometheusText,
            iter: 5_000);
        ExporterInternals.ContentTypeFor(null).Should().Be(Encoding.ASCII.GetString(ExpositionFormats.PrometheusTextContentType));
    }
}
