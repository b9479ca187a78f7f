using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>
/// Bodies are never read: a request that has one is answered, and then its connection is closed, because
/// the next request could not be found after an unread body.
/// </summary>
public sealed class RequestBodyTests
{
    [Fact]
    public async Task Get_health_with_a_body_is_answered_then_closed()
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world");

        answer.Status.Should().Be(200);
        answer.Body.Should().Be("""{"status":"HEALTHY"}""");
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Get_health_with_a_chunked_body_is_answered_then_closed()
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        answer.Status.Should().Be(200);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Get_metrics_with_a_body_is_answered_then_closed()
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody");

        answer.Status.Should().Be(200);
        MetricsEndpointTests.SampleValue(answer.Body, "hatchet_worker_status").Should().Be(1);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Large_body_sent_before_reading_still_gets_its_answer()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var connection = await RawConnection.OpenAsync(worker.Port);
        var body = new byte[1024 * 1024];

        // Sent whole before reading, as curl sends a POST: the answer must survive the unread body, which
        // a server that closed at once would turn into a reset that destroys it.
        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n");
        await connection.SendAsync(body);
        var answer = await connection.ReadResponseAsync();

        answer.Status.Should().Be(200);
        answer.Body.Should().Be("""{"status":"HEALTHY"}""");
        await StillServing.AssertAsync(worker);
    }
}
