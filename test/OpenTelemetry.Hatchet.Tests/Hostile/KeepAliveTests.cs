using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>Connections are kept or closed as HTTP/1.0 and HTTP/1.1 say, and requests sent ahead are answered in order.</summary>
public sealed class KeepAliveTests
{
    private const string Healthy = """{"status":"HEALTHY"}""";

    private static readonly (string Method, string Path)[] Requests =
    [
        ("GET", "/health"),
        ("GET", "/metrics"),
        ("GET", "/livez"),
        ("HEAD", "/health"),
        ("GET", "/nothing-here"),
        ("GET", "/metrics"),
        ("GET", "/readyz"),
    ];

    [Fact]
    public async Task Http_1_0_without_keep_alive_is_answered_then_closed()
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawConnection.AnsweredThenClosedAsync(worker.Port, "GET /health HTTP/1.0\r\n\r\n");

        answer.Status.Should().Be(200);
        answer.Body.Should().Be(Healthy);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Http_1_0_with_keep_alive_serves_a_second_request_on_the_connection()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var connection = await RawConnection.OpenAsync(worker.Port);

        await connection.SendAsync("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var first = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /metrics HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        var second = await connection.ReadResponseAsync();

        first.Header("Connection").Should().Be("keep-alive");
        first.Body.Should().Be(Healthy);
        MetricsEndpointTests.SampleValue(second.Body, "hatchet_worker_status").Should().Be(1);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Http_1_1_serves_request_after_request_on_one_connection_until_close()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var connection = await RawConnection.OpenAsync(worker.Port);
        var answers = new List<RawResponse>();

        foreach (var (method, path) in Requests)
        {
            await connection.SendAsync($"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n");
            answers.Add(await connection.ReadResponseAsync(toHead: method == "HEAD"));
        }

        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var last = await connection.ReadResponseAsync();

        AssertInOrder(answers);
        last.Header("Connection").Should().Be("close");
        (await connection.WaitForCloseAsync(RawConnection.ReadTimeout)).Should().BeTrue();
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var connection = await RawConnection.OpenAsync(worker.Port);

        // All in one write: the port must answer each, /metrics (answered off the loop) included, in order.
        await connection.SendAsync(string.Concat(Requests.Select(request => $"{request.Method} {request.Path} HTTP/1.1\r\nHost: x\r\n\r\n")));
        var answers = new List<RawResponse>();
        foreach (var (method, _) in Requests)
        {
            answers.Add(await connection.ReadResponseAsync(toHead: method == "HEAD"));
        }

        AssertInOrder(answers);
        await StillServing.AssertAsync(worker);
    }

    private static void AssertInOrder(List<RawResponse> answers)
    {
        answers.Select(answer => answer.Status).Should().Equal(200, 200, 200, 200, 404, 200, 200);
        answers[0].Body.Should().Be(Healthy);
        MetricsEndpointTests.SampleValue(answers[1].Body, "hatchet_worker_status").Should().Be(1);
        answers[2].Body.Should().Be("ok");
        answers[3].Header("Content-Length").Should().Be(Healthy.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        MetricsEndpointTests.SampleValue(answers[5].Body, "hatchet_worker_status").Should().Be(1);
        answers[6].Body.Should().Be("ok");
        answers.Should().OnlyContain(answer => answer.Header("Connection") == "keep-alive");
    }
}
