using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class BindAddressTests
{
    private static readonly IPAddress Ipv6Loopback = IPAddress.IPv6Loopback;

    [Fact]
    public async Task Default_address_serves_ipv4_only_whatever_the_host_header()
    {
        await using var worker = await StartOn(null);

        (await worker.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await new HealthcheckClient(worker.Port, "localhost").GetAsync("/metrics")).Body.Should().Contain("hatchet_worker_status");
        (await worker.Client.GetAsync("/health", hostHeader: "worker.example:8001")).Status.Should().Be(HttpStatusCode.OK);
        FreeTcpPort.IsListening(worker.Port, Ipv6Loopback).Should().BeFalse("0.0.0.0 is IPv4, as in the Python SDK");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("")]
    public async Task None_or_empty_serves_ipv4_and_ipv6(string address)
    {
        await using var worker = await StartOn(address);

        (await new HealthcheckClient(worker.Port, "127.0.0.1").GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await new HealthcheckClient(worker.Port, "[::1]").GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await new HealthcheckClient(worker.Port, "[::1]").GetAsync("/metrics")).Body.Should().Contain("hatchet_worker_status");
    }

    [Fact]
    public async Task Ipv6_any_serves_ipv6_only()
    {
        await using var worker = await StartOn("::");

        (await new HealthcheckClient(worker.Port, "[::1]").GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse(":: is IPv6 only, as in the Python SDK");
    }

    [Fact]
    public async Task Localhost_serves_both_loopbacks()
    {
        await using var worker = await StartOn("localhost");

        (await new HealthcheckClient(worker.Port, "127.0.0.1").GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await new HealthcheckClient(worker.Port, "[::1]").GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("127.0.0.2", "127.0.0.2")]
    [InlineData("::1", "[::1]")]
    [InlineData("[::1]", "[::1]")]
    public async Task Single_address_is_served_on_that_address_only(string address, string clientHost)
    {
        await using var worker = await StartOn(address);

        (await new HealthcheckClient(worker.Port, clientHost).GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse("127.0.0.1 is another address");
    }

    [Fact]
    public async Task Host_name_is_resolved_and_served_on_its_address()
    {
        var name = Dns.GetHostName();
        var address = Dns.GetHostAddresses(name)[0];
        await using var worker = await StartOn(name);

        var client = new HealthcheckClient(worker.Port, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString());
        (await client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Host_name_that_does_not_resolve_is_logged_and_the_worker_runs_on()
    {
        await using var worker = await StartOn("worker.invalid");

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
        worker.Logs.Lines.Should().Contain(line => line.Message.Contains("could not listen on worker.invalid", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("http://worker:8001")]
    [InlineData("10.0.0.1:8001")]
    public async Task Malformed_address_stops_startup_saying_what_is_supported(string address)
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [HatchetVariables.BindAddress] = address });

        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);

        var failure = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.Message.Should().Contain(HatchetVariables.BindAddress).And.Contain($"='{address}' is neither an IP address nor a host name: use 0.0.0.0")
            .And.Contain("0.0.0.0").And.Contain("none");
    }

    private static Task<WorkerHost> StartOn(string? address)
        => WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.BindAddress] = address });
}
