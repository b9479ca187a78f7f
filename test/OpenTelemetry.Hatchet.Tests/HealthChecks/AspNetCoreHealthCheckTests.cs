using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.HealthChecks;

public sealed class AspNetCoreHealthCheckTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task App_health_endpoint_reports_a_healthy_worker_healthy()
    {
        await using var app = await StartAppAsync();

        var reply = await Http.GetAsync(new Uri(BaseAddress(app), "/healthz"), TestContext.Current.CancellationToken);

        reply.StatusCode.Should().Be(HttpStatusCode.OK);
        (await reply.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Be("Healthy");
    }

    [Fact]
    public async Task App_health_endpoint_reports_an_unhealthy_worker_unhealthy()
    {
        await using var app = await StartAppAsync();

        app.Services.GetRequiredService<HatchetWorkerHealth>().ReportStatus(HatchetWorkerStatus.Unhealthy, "lost the engine");
        var reply = await Http.GetAsync(new Uri(BaseAddress(app), "/healthz"), TestContext.Current.CancellationToken);

        reply.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await reply.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Be("Unhealthy");
    }

    [Fact]
    public async Task Worker_check_describes_the_status_and_its_reason()
    {
        await using var app = await StartAppAsync(failureStatus: HealthStatus.Degraded);
        app.Services.GetRequiredService<HatchetWorkerHealth>().ReportShuttingDown();

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = report.Entries["hatchet_worker"];
        entry.Status.Should().Be(HealthStatus.Degraded);
        entry.Description.Should().Be("UNHEALTHY: the worker is shutting down");
        entry.Data["status"].Should().Be("UNHEALTHY");
    }

    [Fact]
    public async Task Worker_check_without_the_worker_metrics_says_what_is_missing()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddHatchetWorker();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        report.Entries["hatchet_worker"].Status.Should().Be(HealthStatus.Unhealthy);
        report.Entries["hatchet_worker"].Exception!.Message.Should().Contain("WithHatchetWorkerMetrics");
    }

    [Fact]
    public async Task App_with_the_worker_check_but_not_the_worker_metrics_fails_at_startup_saying_what_is_missing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHealthChecks().AddHatchetWorker();
        await using var app = builder.Build();

        var start = () => app.StartAsync(TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message
            .Should().Contain("AddHatchetWorker needs services.AddOpenTelemetry().WithHatchetWorkerMetrics()");
    }

    private static Uri BaseAddress(WebApplication app)
        => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static async Task<WebApplication> StartAppAsync(HealthStatus? failureStatus = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenTelemetry().WithHatchetWorkerMetrics();
        builder.Services.AddHealthChecks().AddHatchetWorker(failureStatus: failureStatus);
        var app = builder.Build();
        app.MapHealthChecks("/healthz");
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
