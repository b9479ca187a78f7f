using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

/// <summary>The example worker, run as the README says, with the Hatchet variables in its environment.</summary>
public sealed class ExampleWorkerTests
{
    [Fact]
    public async Task Example_serves_health_and_metrics_when_enabled()
    {
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(Environment(enabled: "True", port));
        var client = new HealthcheckClient(port, "localhost");

        var health = await worker.WaitUntilHealthyAsync(port);
        var metrics = await client.GetAsync("/metrics");

        health.Body.Should().Be("""{"status":"HEALTHY"}""");
        MetricsEndpointTests.SampleValue(metrics.Body, "hatchet_worker_status").Should().Be(1);
        metrics.Body.Should().MatchRegex("(?m)^dotnet_gc_collections_total");
        MetricsEndpointTests.SampleValue(metrics.Body, "hatchet_worker_slots").Should().Be(10);
    }

    [Fact]
    public async Task Example_listens_on_nothing_when_not_enabled()
    {
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(Environment(enabled: null, port));

        await worker.WaitForOutputAsync("Application started");

        worker.HasExited.Should().BeFalse(worker.Output);
        FreeTcpPort.IsListening(port).Should().BeFalse();
    }

    [Fact]
    public async Task Example_exits_non_zero_on_a_bad_port_naming_variable_and_value()
    {
        using var worker = ExampleWorkerProcess.Start(new Dictionary<string, string?>
        {
            [HatchetVariables.Enabled] = "True",
            [HatchetVariables.Port] = "abc",
        });

        var exited = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        exited.Should().BeTrue();
        worker.ExitCode.Should().NotBe(0);
        worker.Output.Should().Contain($"{HatchetVariables.Port}='abc'");
    }

    [Fact]
    public async Task Example_keeps_running_when_its_port_is_taken()
    {
        using var squatter = new TcpListener(IPAddress.Any, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        using var worker = ExampleWorkerProcess.Start(Environment(enabled: "True", port));

        await worker.WaitForOutputAsync("Application started");

        worker.HasExited.Should().BeFalse(worker.Output);
        worker.Output.Should().Contain($"could not listen on 0.0.0.0:{port}").And.Contain("Address already in use");
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Example_exits_within_5_seconds_of_a_stop_signal(string signal)
    {
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(Environment(enabled: "True", port));
        await worker.WaitUntilHealthyAsync(port);

        var clock = Stopwatch.StartNew();
        worker.Signal(signal);
        var exited = await worker.WaitForExitAsync(TimeSpan.FromSeconds(5));

        exited.Should().BeTrue($"the worker should exit within 5 s of SIG{signal}; output:\n{worker.Output}");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        worker.ExitCode.Should().Be(0);
        worker.Output.Should().Contain("Hatchet worker status changed from Healthy to Unhealthy");
        FreeTcpPort.IsListening(port).Should().BeFalse();
    }

    private static Dictionary<string, string?> Environment(string? enabled, int port) => new()
    {
        [HatchetVariables.Enabled] = enabled,
        [HatchetVariables.Port] = port.ToString(CultureInfo.InvariantCulture),
    };
}
