using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>Many clients at once, each keeping its connection: every request gets its own, right answer.</summary>
public sealed class ConcurrentRequestTests
{
    private const int Connections = 50;
    private const int RequestsPerConnection = 40;

    [Fact]
    public async Task Two_thousand_requests_over_fifty_connections_are_all_answered_right()
    {
        await using var worker = await WorkerHost.StartAsync();
        var paths = new[] { ("/health", """{"status":"HEALTHY"}"""), ("/livez", "ok"), ("/readyz", "ok") };

        var answered = await Task.WhenAll(Enumerable.Range(0, Connections).Select(async client =>
        {
            using var connection = await RawConnection.OpenAsync(worker.Port);
            var right = 0;
            for (var i = 0; i < RequestsPerConnection; i++)
            {
                var (path, body) = paths[(client + i) % paths.Length];
                await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
                var answer = await connection.ReadResponseAsync();
                right += answer.Status == 200 && answer.Body == body ? 1 : 0;
            }

            return right;
        }));

        answered.Sum().Should().Be(Connections * RequestsPerConnection);
        await StillServing.AssertAsync(worker);
    }
}
