using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>Request heads past the 8 KB a probe could ever need are refused; heads within it are read.</summary>
public sealed class OversizedRequestTests
{
    // The limit the README documents, written out so that a change to it fails here.
    private const int Limit = 8 * 1024;

    [Fact]
    public async Task Header_over_the_limit_is_refused_431()
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, $"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', Limit)}\r\n\r\n");

        answer.Status.Should().Be(431);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Many_small_headers_over_the_limit_are_refused_431()
    {
        await using var worker = await WorkerHost.StartAsync();
        var headers = string.Concat(Enumerable.Range(0, Limit / 16).Select(i => $"X-H{i:D5}: value\r\n"));

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, $"GET /health HTTP/1.1\r\n{headers}\r\n");

        answer.Status.Should().Be(431);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Url_over_the_limit_is_refused_431()
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, $"GET /health?q={new string('a', Limit)} HTTP/1.1\r\n\r\n");

        answer.Status.Should().Be(431);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Head_that_never_ends_is_refused_431_once_past_the_limit()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var connection = await RawConnection.OpenAsync(worker.Port);

        // Headers sent in pieces, never ending: the refusal must come from the count, not from the end of the head.
        await connection.SendAsync("GET /health HTTP/1.1\r\n");
        for (var sent = 0; sent <= Limit; sent += 1024)
        {
            await connection.SendAsync($"X-More: {new string('m', 1014)}\r\n");
        }

        (await connection.ReadResponseAsync()).Status.Should().Be(431);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Url_just_within_the_limit_is_answered()
    {
        await using var worker = await WorkerHost.StartAsync();
        const string Start = "GET /health?q=", End = " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        var padding = new string('a', Limit - Start.Length - End.Length);

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, Start + padding + End);

        answer.Status.Should().Be(200);
        answer.Body.Should().Be("""{"status":"HEALTHY"}""");
    }
}
