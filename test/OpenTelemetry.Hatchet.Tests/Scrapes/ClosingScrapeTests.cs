using System.Diagnostics;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// A scrape made on a connection of its own and read to the end, as an HTTP/1.0 client, a script or a client that
/// sends <c>Connection: close</c> reads it: the connection ends as soon as the exporter's answer is sent.
/// </summary>
public sealed class ClosingScrapeTests
{
    private const int Scrapes = 5;

    [Theory]
    [InlineData("GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")]
    [InlineData("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")]
    [InlineData("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")]
    public async Task Scrape_on_a_connection_of_its_own_ends_as_soon_as_its_answer_is_sent(string request)
    {
        await using var worker = await WorkerHost.StartAsync();
        var waits = new List<TimeSpan>();
        for (var i = 0; i < Scrapes; i++)
        {
            using var connection = await RawConnection.OpenAsync(worker.Port);
            await connection.SendAsync(request);
            var answer = await connection.ReadResponseAsync(toHead: request.StartsWith("HEAD", StringComparison.Ordinal));
            var answered = Stopwatch.GetTimestamp();
            (await connection.WaitForCloseAsync(RawConnection.ReadTimeout)).Should().BeTrue("the client asked to close");
            waits.Add(Stopwatch.GetElapsedTime(answered));

            answer.Status.Should().Be(200);
            answer.Header("Connection").Should().Be("close");
        }

        // Some are the exporter's answer kept by the relay, some collected anew; each is the relay's to send. An end
        // left to the event loop's next turn waits for its idle wake-up (250 ms) on every scrape; the fastest of
        // five leaves room for a busy machine.
        waits.Min().Should().BeLessThan(TimeSpan.FromMilliseconds(100), $"the connection ends when the answer is sent (waits: {string.Join(", ", waits.Select(wait => $"{wait.TotalMilliseconds:0.0} ms"))})");
    }
}
