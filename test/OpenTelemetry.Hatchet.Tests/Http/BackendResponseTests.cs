using System.Text;
using CsCheck;
using OpenTelemetry.Hatchet.Healthcheck;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>The reader of the Prometheus exporter's answer, called directly.</summary>
public sealed class BackendResponseTests
{
    private const string Head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n";

    [Fact]
    public void Exporter_answer_is_read_with_its_status_type_and_body()
    {
        var (ok, status, type, body) = Read("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 5\r\nServer: Microsoft-NetCore/2.0\r\n\r\nup 1\n");

        ok.Should().BeTrue();
        status.Should().Be(200);
        type.Should().Be("text/plain; version=0.0.4; charset=utf-8");
        body.Should().Be("up 1\n");
    }

    [Fact]
    public void Body_without_content_length_runs_to_the_end()
    {
        Read(Head + "\r\nup 1\nup 2\n").Body.Should().Be("up 1\nup 2\n");
    }

    [Theory]
    [InlineData("4", "up 1")]
    [InlineData("0", "")]
    public void Bytes_after_the_content_length_are_not_body(string contentLength, string body)
    {
        Read(Head + $"Content-Length: {contentLength}\r\n\r\nup 1\ntrailing").Body.Should().Be(body);
    }

    [Fact]
    public void Body_shorter_than_its_content_length_was_cut_off_and_is_refused()
    {
        Read(Head + "Content-Length: 100\r\n\r\nup 1\n").Ok.Should().BeFalse();
    }

    [Theory]
    [InlineData("12abc")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("")]
    [InlineData("5, 5")]
    [InlineData("99999999999")]
    public void Content_length_that_is_not_one_number_is_refused(string value)
    {
        Read(Head + $"Content-Length: {value}\r\n\r\nup 1\n").Ok.Should().BeFalse();
    }

    [Theory]
    [InlineData("2", "5")]
    [InlineData("0", "5")]
    public void Two_different_content_lengths_are_refused(string first, string second)
    {
        Read(Head + $"Content-Length: {first}\r\nContent-Length: {second}\r\n\r\nup 1\n").Ok.Should().BeFalse();
    }

    [Theory]
    [InlineData("HTTP/1.1 20 OK\r\n")]
    [InlineData("HTTP/1.1 +20 OK\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n")]
    [InlineData("HTTP/1.1  200 OK\r\n")]
    [InlineData("HTTP/1.1 200OK\r\n")]
    [InlineData("HTTP/1.x 200 OK\r\n")]
    [InlineData("HTTP/2 200 OK\r\n")]
    [InlineData("HTTP/1.1200 OK\r\n")]
    [InlineData("HTTP/1.1x200 OK\r\n")]
    public void Broken_status_line_is_refused(string statusLine)
    {
        Read(statusLine + "Content-Type: text/plain\r\n\r\nup 1\n").Ok.Should().BeFalse();
    }

    [Fact]
    public void Status_line_without_a_reason_is_read()
    {
        Read("HTTP/1.0 503\r\nContent-Type: text/plain\r\n\r\n").Status.Should().Be(503);
    }

    [Fact]
    public void Chunked_answer_is_refused()
    {
        Read(Head + "Transfer-Encoding: chunked\r\n\r\n5\r\nup 1\n\r\n0\r\n\r\n").Ok.Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("Content-Type:\r\n")]
    [InlineData("Content-Type: text/plain\u0000\r\n")]
    public void Answer_without_a_printable_media_type_is_refused(string typeLine)
    {
        Read("HTTP/1.1 200 OK\r\n" + typeLine + "\r\nup 1\n").Ok.Should().BeFalse();
    }

    [Fact]
    public void Answer_without_the_end_of_its_head_is_refused()
    {
        Read(Head + "Content-Length: 0\r\n").Ok.Should().BeFalse();
    }

    [Fact]
    public void Any_bytes_are_read_or_refused_and_what_is_read_lies_within_them()
    {
        var words = Gen.Frequency(
            (4, Gen.OneOf("HTTP/1.1 200 OK", "HTTP/1.0 ", "200", " ", "\r\n", "\r\n\r\n", "Content-Type:", " text/plain", "Content-Length:", " 4", " 99", "Transfer-Encoding: chunked", "up 1\n", ":")),
            (1, Gen.Char.Select(c => c.ToString())));
        Gen.Frequency((1, Gen.Byte.Array[0, 120]), (2, words.Array[0, 20].Select(parts => Encoding.Latin1.GetBytes(string.Concat(parts))))).Sample(bytes =>
        {
            if (!BackendResponse.TryParse(bytes, out var status, out var type, out var body))
            {
                return;
            }

            status.Should().BeInRange(0, 999);
            type.IsEmpty.Should().BeFalse();
            Within(bytes, type).Should().BeTrue();
            Within(bytes, body).Should().BeTrue();
        }, iter: 20_000);
    }

    private static bool Within(byte[] outer, ReadOnlySpan<byte> inner)
        => inner.IsEmpty || outer.AsSpan().Overlaps(inner, out var offset) && offset >= 0 && offset + inner.Length <= outer.Length;

    private static (bool Ok, int Status, string Type, string Body) Read(string response)
    {
        var ok = BackendResponse.TryParse(Encoding.Latin1.GetBytes(response), out var status, out var type, out var body);
        return (ok, status, Encoding.Latin1.GetString(type), Encoding.Latin1.GetString(body));
    }
}
