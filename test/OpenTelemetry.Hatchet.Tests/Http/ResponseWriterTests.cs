using System.Globalization;
using System.Text;
using CsCheck;
using OpenTelemetry.Hatchet.Http;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>The response writer called directly: what it writes reads back, strictly, as what was written.</summary>
public sealed class ResponseWriterTests
{
    private static readonly Gen<string> ContentType = Gen.Frequency(
        (3, Gen.OneOf("text/plain; charset=utf-8", "application/json", "application/openmetrics-text; version=1.0.0; charset=utf-8")),
        (1, Gen.Char['\u0021', '\u007e'].Array[1, 40].Select(chars => new string(chars))));

    private static readonly Gen<string> ExtraHeader = Gen.Frequency(
        (2, Gen.Const(string.Empty)),
        (1, Gen.Select(RequestGen.Token, Gen.Char['\u0021', '\u007e'].Array[1, 20], (name, value) => $"{name}: {new string(value)}")));

    [Fact]
    public void Answer_is_a_status_line_fields_and_body()
    {
        var buffer = new byte[512];

        var length = HttpResponseWriter.Write(buffer, 200, "application/json"u8, """{"status":"HEALTHY"}"""u8, keepAlive: true, omitBody: false);

        var response = ResponseText.Read(buffer.AsSpan(0, length));
        response.Version.Should().Be("HTTP/1.1");
        response.Status.Should().Be(200);
        response.Reason.Should().Be("OK");
        response.Fields.Select(field => field.Name).Should().Equal("Content-Type", "Content-Length", "Date", "Cache-Control", "Connection");
        response.Field("Content-Type").Should().Be("application/json");
        response.Field("Content-Length").Should().Be("20");
        response.Field("Cache-Control").Should().Be("no-store");
        response.Field("Connection").Should().Be("keep-alive");
        Encoding.UTF8.GetString(response.Body).Should().Be("""{"status":"HEALTHY"}""");
    }

    [Fact]
    public void Answer_to_head_has_the_length_of_the_body_it_leaves_out()
    {
        var buffer = new byte[512];

        var length = HttpResponseWriter.Write(buffer, 200, HttpResponseWriter.PlainText, "ok"u8, keepAlive: false, omitBody: true);

        var response = ResponseText.Read(buffer.AsSpan(0, length), toHead: true);
        response.Field("Content-Length").Should().Be("2");
        response.Field("Connection").Should().Be("close");
        response.Body.Should().BeEmpty();
    }

    [Fact]
    public void Extra_header_is_written_as_its_own_line()
    {
        var buffer = new byte[512];

        var length = HttpResponseWriter.Write(buffer, 405, HttpResponseWriter.PlainText, [], keepAlive: true, omitBody: true, "Allow: GET, HEAD"u8);

        var response = ResponseText.Read(buffer.AsSpan(0, length), toHead: true);
        response.Reason.Should().Be("Method Not Allowed");
        response.Field("Allow").Should().Be("GET, HEAD");
    }

    [Fact]
    public void Answer_carries_the_current_date_as_an_imf_fixdate()
    {
        var buffer = new byte[512];
        var before = DateTime.UtcNow;

        var length = HttpResponseWriter.Write(buffer, 204, HttpResponseWriter.PlainText, [], keepAlive: true, omitBody: false);

        var after = DateTime.UtcNow;
        var date = ResponseText.Read(buffer.AsSpan(0, length)).Field("Date");
        date.Should().MatchRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-5][0-9] GMT$");
        var stamped = DateTime.ParseExact(date!, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        stamped.Should().BeOnOrAfter(before.AddTicks(-(before.Ticks % TimeSpan.TicksPerSecond))).And.BeOnOrBefore(after);
    }

    [Fact]
    public void Destination_too_small_for_the_answer_is_reported_not_overrun()
    {
        var full = new byte[512];
        var needed = HttpResponseWriter.Write(full, 503, HttpResponseWriter.PlainText, "not ready"u8, keepAlive: false, omitBody: false);

        for (var size = 0; size < needed; size++)
        {
            var buffer = new byte[size + 16];
            HttpResponseWriter.Write(buffer.AsSpan(0, size), 503, HttpResponseWriter.PlainText, "not ready"u8, keepAlive: false, omitBody: false).Should().Be(-1);
            buffer.AsSpan(size).ToArray().Should().OnlyContain(b => b == 0, "nothing is written past the destination");
        }
    }

    [Fact]
    public void Any_answer_reads_back_as_written()
    {
        Gen.Select(Gen.Int[100, 599], ContentType, Gen.Byte.Array[0, 300], Gen.Bool, Gen.Bool, ExtraHeader).Sample((status, contentType, body, keepAlive, omitBody, extra) =>
        {
            var buffer = new byte[1024];

            var length = HttpResponseWriter.Write(buffer, status, Encoding.ASCII.GetBytes(contentType), body, keepAlive, omitBody, Encoding.ASCII.GetBytes(extra));

            var response = ResponseText.Read(buffer.AsSpan(0, length), toHead: omitBody);
            response.Status.Should().Be(status);
            response.Field("Content-Type").Should().Be(contentType.Trim());
            response.Field("Content-Length").Should().Be(body.Length.ToString(CultureInfo.InvariantCulture));
            response.Field("Connection").Should().Be(keepAlive ? "keep-alive" : "close");
            response.Field("Date").Should().NotBeNull();
            response.Body.Should().Equal(omitBody ? [] : body);
            if (extra.Length > 0)
            {
                var colon = extra.IndexOf(':', StringComparison.Ordinal);
                var (name, value) = (extra[..colon], extra[(colon + 1)..].Trim());
                response.Fields.Should().ContainSingle(field => field.Name == name).Which.Value.Should().Be(value);
            }
        }, iter: 5_000);
    }
}
