using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>Requests no HTTP/1.1 client would send: each is refused, and the port goes on serving.</summary>
public sealed class MalformedRequestTests
{
    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /health\r\n\r\n")]
    [InlineData("GET /health HTTX/1.1\r\n\r\n")]
    [InlineData(" GET /health HTTP/1.1\r\n\r\n")]
    [InlineData("G{T /health HTTP/1.1\r\n\r\n")]
    [InlineData("GET /hea lth HTTP/1.1\r\n\r\n")]
    [InlineData("\r\n\r\n")]
    [InlineData("\u0000\u0001\u0002\u00ff\r\n\r\n")]
    [InlineData("GET /health HTTP/1.1\r\nNoColonHere\r\n\r\n")]
    [InlineData("GET /health HTTP/1.1\r\n Folded: line\r\n\r\n")]
    [InlineData("GET /health HTTP/1.1\r\nName : space before colon\r\n\r\n")]
    [InlineData("GET /health HTTP/1.1\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("GET /health HTTP/1.1\r\nContent-Length: lots\r\n\r\n")]
    public async Task Malformed_request_is_refused_400_and_closed(string request)
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, request);

        answer.Status.Should().Be(400);
        await StillServing.AssertAsync(worker);
    }

    [Theory]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("GET /health HTTP/2\r\n\r\n")]
    [InlineData("GET /health HTTP/3.0\r\n\r\n")]
    [InlineData("GET /health HTTP/0.9\r\n\r\n")]
    public async Task Other_http_version_is_refused_505_and_closed(string request)
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, request);

        answer.Status.Should().Be(505);
        await StillServing.AssertAsync(worker);
    }

    [Theory]
    [InlineData("GET /health HTTP/1.0\n\n")]
    [InlineData("GET /health HTTP/1.1\r\nHost: x\n\r\n")]
    public async Task Bare_line_feeds_are_refused_400_at_once(string request)
    {
        await using var worker = await WorkerHost.StartAsync();

        // A head that uses bare line feeds never holds the CRLF CRLF that ends a head: without this refusal
        // the client would wait out the request timeout for nothing.
        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, request);

        answer.Status.Should().Be(400);
        await StillServing.AssertAsync(worker);
    }
}
