using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>Every path the port serves takes GET and HEAD only; any other method, known or made up, is 405.</summary>
public sealed class UnknownMethodTests
{
    [Theory]
    [InlineData("BREW", "/health")]
    [InlineData("TRACE", "/health")]
    [InlineData("PATCH", "/metrics")]
    [InlineData("PROPFIND", "/livez")]
    [InlineData("X-ANYTHING", "/readyz")]
    public async Task Unknown_method_answers_405_with_allow_and_keeps_the_connection(string method, string path)
    {
        await using var worker = await WorkerHost.StartAsync();
        using var connection = await RawConnection.OpenAsync(worker.Port);

        await connection.SendAsync($"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n");
        var refused = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        var next = await connection.ReadResponseAsync();

        refused.Status.Should().Be(405);
        refused.Header("Allow").Should().Be("GET, HEAD");
        refused.Body.Should().BeEmpty();
        next.Status.Should().Be(200, "a refused method is a well-formed request, so the connection stays usable");
        await StillServing.AssertAsync(worker);
    }
}
