using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>The example worker, run as its own process, configured for OTLP by real environment variables only.</summary>
public sealed class ExampleWorkerOtlpTests
{
    [Fact]
    public async Task Example_sends_its_metrics_by_otlp_from_environment_variables_alone()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var worker = ExampleWorkerProcess.Start(new Dictionary<string, string?>
        {
            [OtlpVariables.PackageSwitch] = "true",
            [OtlpVariables.ServiceName] = "orders-worker",
            [OtlpVariables.Endpoint] = receiver.HttpEndpoint.ToString(),
            [OtlpVariables.Protocol] = "http/protobuf",
            [OtlpVariables.ExportInterval] = "200",
        });

        var export = await receiver.WaitForAsync(
            received => received.GaugeValue("hatchet.worker.status") == 1 && received.GaugeValue("hatchet.worker.slots") == 10,
            "an export with status 1 and the example's 10 slots");

        export.Path.Should().Be("/v1/metrics");
        export.ServiceName.Should().Be("orders-worker");
    }
}
