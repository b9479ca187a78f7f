using System.Text;
using OpenTelemetry.Hatchet.Port;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>
/// The port is often reachable by anyone on the network: nothing a client sends may come back in an answer,
/// or a page that makes a browser call the port could have it write the attacker's text.
/// </summary>
public sealed class ReflectionTests
{
    [Fact]
    public async Task Marker_sent_everywhere_in_requests_never_appears_in_any_answer()
    {
        await using var worker = await WorkerHost.StartAsync();
        var marker = $"zq{Guid.NewGuid():N}";
        string[] requests =
        [
            $"GET /{marker}?{marker}={marker} HTTP/1.1\r\nHost: {marker}\r\nX-{marker}: {marker}\r\nUser-Agent: {marker}\r\nConnection: close\r\n\r\n",
            $"GET /health?{marker} HTTP/1.1\r\nHost: x\r\nCookie: {marker}={marker}\r\nReferer: http://{marker}/\r\nConnection: close\r\n\r\n",
            $"HEAD /livez?{marker} HTTP/1.1\r\nHost: x\r\nOrigin: http://{marker}\r\nConnection: close\r\n\r\n",
            $"GET /readyz#{marker} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            $"GET /metrics?{marker}=1 HTTP/1.1\r\nHost: x\r\nAccept: text/plain;{marker}=1, application/{marker}\r\nConnection: close\r\n\r\n",
            $"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;version=1.0.0;{marker}=1\r\nConnection: close\r\n\r\n",
            $"GET http://{marker}/metrics HTTP/1.1\r\nHost: {marker}\r\nConnection: close\r\n\r\n",
            $"{marker.ToUpperInvariant()} /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            $"TRACE /health HTTP/1.1\r\nHost: x\r\nX-Trace: {marker}\r\nConnection: close\r\n\r\n",
            $"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: {marker.Length}\r\n\r\n{marker}",
            $"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: {marker.Length}\r\n\r\n{marker}",
            $"GET /{marker} HTTP/9.9\r\n\r\n",
            $"{marker}\r\n\r\n",
            $"GET /health HTTP/1.1\r\n{marker}\r\n\r\n",
            $"GET /health HTTP/1.1\r\nX-Big: {string.Concat(Enumerable.Repeat(marker, ClientConnection.MaxHeadLength / marker.Length))}\r\n\r\n",
        ];

        var answers = new StringBuilder();
        foreach (var request in requests)
        {
            answers.Append(await RawHttp.ExchangeAsync(worker.Port, request));
        }

        answers.Length.Should().BeGreaterThan(requests.Length * 50, "every request should have had an answer to search");
        answers.ToString().Should().NotContainEquivalentOf(marker);
        await StillServing.AssertAsync(worker);
    }
}
