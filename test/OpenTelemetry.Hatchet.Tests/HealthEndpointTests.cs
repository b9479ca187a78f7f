using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthy_worker_answers_200_with_the_seed_body()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync("/health");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.ContentType!.MediaType.Should().Be("application/json");
        reply.Body.Should().Be("""{"status":"HEALTHY"}""");
    }

    [Fact]
    public async Task Worker_that_reports_unhealthy_answers_503_unhealthy()
    {
        await using var worker = await WorkerHost.StartAsync();

        worker.Health.ReportStatus(HatchetWorkerStatus.Unhealthy, "lost the Hatchet engine");
        var reply = await worker.Client.GetAsync("/health");

        reply.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        reply.Body.Should().Be("""{"status":"UNHEALTHY"}""");
    }

    [Fact]
    public async Task Worker_that_recovers_answers_200_again()
    {
        await using var worker = await WorkerHost.StartAsync();

        worker.Health.ReportStatus(HatchetWorkerStatus.Unhealthy);
        worker.Health.ReportStatus(HatchetWorkerStatus.Healthy);
        var reply = await worker.Client.GetAsync("/health");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Body.Should().Be("""{"status":"HEALTHY"}""");
    }

    [Fact]
    public async Task Host_still_starting_answers_503_starting()
    {
        var release = new TaskCompletionSource();
        await using var worker = WorkerHost.Build(services: services => services.AddHostedService(_ => new SlowStart(release.Task)));
        var starting = worker.Host.StartAsync(TestContext.Current.CancellationToken);

        var reply = await HeldPhase.ProbeAsync(starting, release, async () =>
        {
            return await worker.Client.GetAsync("/health");
        });

        reply.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        reply.Body.Should().Be("""{"status":"STARTING"}""");
    }

    [Fact]
    public async Task Head_answers_the_status_without_a_body()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.SendAsync(HttpMethod.Head, "/health");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Body.Should().BeEmpty();
        reply.ContentType!.MediaType.Should().Be("application/json");
        reply.ContentHeaders.ContentLength.Should().Be("""{"status":"HEALTHY"}""".Length);
    }

    [Fact]
    public async Task Query_string_does_not_change_the_answer()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync("/health?verbose=1");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Body.Should().Be("""{"status":"HEALTHY"}""");
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/health/")]
    [InlineData("/health/details")]
    [InlineData("/Health")]
    [InlineData("/")]
    public async Task Other_paths_answer_404(string path)
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync(path);

        reply.Status.Should().Be(HttpStatusCode.NotFound);
        reply.Body.Should().BeEmpty();
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task Other_methods_answer_405_with_allow(string method)
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.SendAsync(new HttpMethod(method), "/health", body: "{}");

        reply.Status.Should().Be(HttpStatusCode.MethodNotAllowed);
        reply.ContentHeaders.Allow.Should().BeEquivalentTo("GET", "HEAD");
    }

    [Fact]
    public async Task Nothing_from_the_request_is_written_back()
    {
        await using var worker = await WorkerHost.StartAsync();
        const string Marker = "zq7marker";

        var notFound = await worker.Client.GetAsync($"/{Marker}<script>");
        var health = await worker.Client.GetAsync($"/health?{Marker}=<script>");

        notFound.Body.Should().NotContain(Marker);
        health.Body.Should().NotContain(Marker);
        notFound.Headers.ToString().Should().NotContain(Marker);
    }

    [Fact]
    public async Task Response_is_not_cached_by_proxies()
    {
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync("/health");

        reply.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Fact]
    public async Task Head_sends_headers_only_on_the_wire()
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawHttp.ExchangeAsync(worker.Port, "HEAD /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        answer.Should().StartWith("HTTP/1.1 200 ");
        answer.Should().Contain("Content-Length: 20\r\n");
        answer.Should().EndWith("\r\n\r\n", "a HEAD response has no body");
    }

    [Fact]
    public async Task Http_1_0_client_gets_the_status()
    {
        await using var worker = await WorkerHost.StartAsync();

        var answer = await RawHttp.ExchangeAsync(worker.Port, "GET /health HTTP/1.0\r\n\r\n");

        answer.Should().StartWith("HTTP/1.");
        answer.Should().Contain(" 200 ");
        answer.Should().EndWith("""{"status":"HEALTHY"}""");
    }
}
