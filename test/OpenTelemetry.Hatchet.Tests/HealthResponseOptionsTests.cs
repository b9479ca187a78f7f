using System.Net;
using System.Text.Json;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class HealthResponseOptionsTests
{
    [Fact]
    public async Task Default_body_is_only_the_status_even_for_a_described_worker()
    {
        await using var worker = await WorkerHost.StartAsync();
        worker.Health.Describe(new HatchetWorkerDescription { Name = "secret-worker", Slots = 3 });

        var reply = await worker.Client.GetAsync("/health");

        reply.Body.Should().Be("""{"status":"HEALTHY"}""");
    }

    [Fact]
    public async Task Always_ok_answers_200_for_an_unhealthy_worker_and_still_names_the_status()
    {
        await using var worker = await WorkerHost.StartAsync(configure: options => options.HealthEndpointAlwaysOk = true);

        worker.Health.ReportStatus(HatchetWorkerStatus.Unhealthy, "lost the engine");
        var reply = await worker.Client.GetAsync("/health");

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Body.Should().Be("""{"status":"UNHEALTHY"}""");
    }

    [Fact]
    public async Task Always_ok_leaves_readyz_truthful()
    {
        await using var worker = await WorkerHost.StartAsync(configure: options => options.HealthEndpointAlwaysOk = true);

        worker.Health.ReportStatus(HatchetWorkerStatus.Unhealthy);

        (await worker.Client.GetAsync("/readyz")).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Details_show_what_the_typescript_sdk_shows_and_the_dotnet_version()
    {
        await using var worker = await WorkerHost.StartAsync(configure: options => options.HealthEndpointIncludesDetails = true);
        worker.Health.Describe(new HatchetWorkerDescription
        {
            Name = "orders-worker",
            Slots = 4,
            Actions = ["orders:charge", "orders:ship"],
            Labels = new Dictionary<string, string> { ["region"] = "eu" },
        });

        var reply = await worker.Client.GetAsync("/health");
        using var json = JsonDocument.Parse(reply.Body);
        var root = json.RootElement;

        reply.Status.Should().Be(HttpStatusCode.OK);
        root.GetProperty("status").GetString().Should().Be("HEALTHY");
        root.GetProperty("name").GetString().Should().Be("orders-worker");
        root.GetProperty("slots").GetInt32().Should().Be(4);
        root.GetProperty("actions").EnumerateArray().Select(action => action.GetString()).Should().Equal("orders:charge", "orders:ship");
        root.GetProperty("labels").GetProperty("region").GetString().Should().Be("eu");
        root.GetProperty("dotnetVersion").GetString().Should().Be(Environment.Version.ToString());
        root.GetProperty("reason").GetString().Should().Be("the host has started");
    }

    [Fact]
    public async Task Details_keep_the_python_status_code()
    {
        await using var worker = await WorkerHost.StartAsync(configure: options => options.HealthEndpointIncludesDetails = true);

        worker.Health.ReportShuttingDown();
        var reply = await worker.Client.GetAsync("/health");
        using var json = JsonDocument.Parse(reply.Body);

        reply.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        json.RootElement.GetProperty("status").GetString().Should().Be("UNHEALTHY");
        json.RootElement.GetProperty("reason").GetString().Should().Be("the worker is shutting down");
        json.RootElement.GetProperty("name").ValueKind.Should().Be(JsonValueKind.Null);
    }
}
