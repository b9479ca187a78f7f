using System.Net;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// A registration the dispatcher refused describes nothing: the worker is not what it asked to be, so neither the
/// <c>hatchet_worker_slots</c> and <c>hatchet_worker_actions</c> gauges nor the <c>/health</c> details take anything from it.
/// </summary>
public sealed class RefusedRegistrationTests
{
    [Fact]
    public async Task Registration_the_dispatcher_refuses_describes_nothing_in_the_gauges_or_the_health_details()
    {
        // The exporter keeps its answer 300 ms by default: each scrape here must see the registration just made.
        await using var worker = await InterceptedWorker.StartAsync(
            options => options.HealthEndpointIncludesDetails = true,
            services: services => services.Configure<PrometheusHttpListenerOptions>(HatchetWorkerMetricsOpenTelemetryBuilderExtensions.ExporterOptionsName, exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        var client = worker.Worker.Client;

        await RefusedAsync(client, Refused("refused-worker"));
        var metricsAfterRefusal = (await worker.Client.GetAsync("/metrics")).Body;
        var detailsAfterRefusal = Details(await worker.Client.GetAsync("/health"));
        await worker.Worker.StartAsync();
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");
        var metricsAccepted = (await worker.Client.GetAsync("/metrics")).Body;
        var detailsAccepted = Details(await worker.Client.GetAsync("/health"));
        await RefusedAsync(client, Refused("refused-again"));
        var metricsAfterSecondRefusal = (await worker.Client.GetAsync("/metrics")).Body;
        var detailsAfterSecondRefusal = Details(await worker.Client.GetAsync("/health"));

        ScrapedSamples.Has(metricsAfterRefusal, "hatchet_worker_slots").Should().BeFalse("nothing has described the worker's slots");
        ScrapedSamples.Has(metricsAfterRefusal, "hatchet_worker_actions").Should().BeFalse("nothing has described the worker's actions");
        detailsAfterRefusal.Should().Be("name=;slots=;actions=;labels=");
        ScrapedSamples.Sum(metricsAccepted, "hatchet_worker_slots").Should().Be(10, "the accepted registration describes the worker");
        ScrapedSamples.Sum(metricsAccepted, "hatchet_worker_actions").Should().Be(2);
        detailsAccepted.Should().Be("name=test-worker;slots=10;actions=example:step,example:other;labels=zone:eu");
        ScrapedSamples.Sum(metricsAfterSecondRefusal, "hatchet_worker_slots").Should().Be(10, "a later refused registration leaves the accepted description");
        ScrapedSamples.Sum(metricsAfterSecondRefusal, "hatchet_worker_actions").Should().Be(2);
        detailsAfterSecondRefusal.Should().Be(detailsAccepted);
    }

    // The engine refuses the deprecated slots beside slot_config (server.go lines 61-75, as TestDispatcher.Register).
    private static WorkerRegisterRequest Refused(string name) => new()
    {
        WorkerName = name,
        Actions = { "refused:one", "refused:two", "refused:three" },
        Slots = 3,
        SlotConfig = { ["default"] = 5 },
        Labels = { ["zone"] = new WorkerLabels { StrValue = "refused" } },
    };

    private static async Task RefusedAsync(global::Dispatcher.DispatcherClient client, WorkerRegisterRequest registration)
    {
        var refusal = await client.Invoking(dispatcher => dispatcher.RegisterAsync(registration, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync)
            .Should().ThrowAsync<RpcException>();
        refusal.Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
    }

    // The details' description fields, in one line: empty where the worker is not described.
    private static string Details(HealthcheckClient.Reply reply)
    {
        using var json = JsonDocument.Parse(reply.Body);
        var root = json.RootElement;
        var slots = root.GetProperty("slots");
        return $"name={root.GetProperty("name").GetString()}"
            + $";slots={(slots.ValueKind == JsonValueKind.Null ? string.Empty : slots.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture))}"
            + $";actions={string.Join(',', root.GetProperty("actions").EnumerateArray().Select(action => action.GetString()))}"
            + $";labels={string.Join(',', root.GetProperty("labels").EnumerateObject().Select(label => $"{label.Name}:{label.Value.GetString()}"))}";
    }
}
