using System.Net;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class KubernetesProbeTests
{
    [Fact]
    public async Task Livez_answers_ok_while_the_worker_is_healthy()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync("/livez");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Body.Should().Be("ok");
    }

    [Fact]
    public async Task Livez_stays_ok_for_an_unhealthy_worker_that_is_not_starved()
    {
        await using var worker = await WorkerHost.StartAsync();

        worker.Health.ReportHeartbeatFailed("unavailable");
        worker.Health.ReportListenerDisconnected("stream reset");

        (await worker.Client.GetAsync("/livez")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_answers_ok_only_when_healthy()
    {
        await using var worker = await WorkerHost.StartAsync();
        var ready = await worker.Client.GetAsync("/readyz");

        worker.Health.ReportListenerConnecting();
        var starting = await worker.Client.GetAsync("/readyz");

        ready.Status.Should().Be(HttpStatusCode.OK);
        ready.Body.Should().Be("ok");
        starting.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        starting.Body.Should().Be("not ready");
    }

    [Theory]
    [InlineData("/livez")]
    [InlineData("/readyz")]
    public async Task Probe_answers_head_with_headers_and_no_body(string path)
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawHttp.ExchangeAsync(worker.Port, $"HEAD {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        answer.Should().StartWith("HTTP/1.1 200 OK\r\n").And.Contain("Content-Length: 2\r\n").And.EndWith("\r\n\r\n");
    }

    [Theory]
    [InlineData("/livez/")]
    [InlineData("/readyzz")]
    [InlineData("/LIVEZ")]
    public async Task Only_exact_probe_paths_match(string path)
    {
        await using var worker = await WorkerHost.StartAsync();

        (await worker.Client.GetAsync(path)).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Probe_refuses_post_with_allow_header()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.SendAsync(HttpMethod.Post, "/readyz", body: "x");

        reply.Status.Should().Be(HttpStatusCode.MethodNotAllowed);
        reply.ContentHeaders.Allow.Should().BeEquivalentTo("GET", "HEAD");
    }
}
