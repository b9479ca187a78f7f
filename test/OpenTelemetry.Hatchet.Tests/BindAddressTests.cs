using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class BindAddressTests
{
    [Fact]
    public async Task Default_address_serves_every_ipv4_interface()
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.BindAddress] = null });

        (await worker.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await new HealthcheckClient(worker.Port, "localhost").GetAsync("/metrics")).Body.Should().Contain("hatchet_worker_status");
        (await new HealthcheckClient(worker.Port).GetAsync("/health", hostHeader: "worker.example:8001")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task Loopback_address_answers_by_name_and_by_number(string address)
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.BindAddress] = address });

        (await new HealthcheckClient(worker.Port, "localhost").GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await new HealthcheckClient(worker.Port, "127.0.0.1").GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await new HealthcheckClient(worker.Port, "localhost").GetAsync("/metrics")).Body.Should().Contain("hatchet_worker_status");
        (await new HealthcheckClient(worker.Port, "127.0.0.1").GetAsync("/metrics")).Body.Should().Contain("hatchet_worker_status");
    }

    [Fact]
    public async Task Single_ipv4_address_is_served_on_that_address_only()
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.BindAddress] = "127.0.0.2" });

        (await new HealthcheckClient(worker.Port, "127.0.0.2").GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse("127.0.0.1 is another address");
    }

    [Theory]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("")]
    [InlineData("worker.example")]
    public async Task Unservable_address_stops_startup_saying_what_is_supported(string address)
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [HatchetVariables.BindAddress] = address });

        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);

        var failure = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.Message.Should().Contain(HatchetVariables.BindAddress).And.Contain($"'{address}'").And.Contain("0.0.0.0").And.Contain("localhost");
    }
}
