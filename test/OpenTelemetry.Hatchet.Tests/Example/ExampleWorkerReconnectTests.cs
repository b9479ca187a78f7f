using System.Diagnostics;
using System.Net;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>The example worker across an engine restart on the same port, and its stop, as the engine sees them.</summary>
public sealed class ExampleWorkerReconnectTests(ITestOutputHelper output)
{
    /// <summary>Long enough for default gRPC reconnect backoffs (1 s growing by 1.6) to have grown past 4 s.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Example_worker_is_healthy_again_within_5_seconds_of_the_engine_coming_back_on_the_same_port()
    {
        await using var engine = await EngineStandIn.StartAsync();
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(Environment(engine, port));
        var client = new HealthcheckClient(port, "localhost");
        await worker.WaitUntilHealthyAsync(port);

        await engine.StopAsync();
        await Eventually.Until(() => client.GetAsync("/health"), reply => reply.Status == HttpStatusCode.ServiceUnavailable, "UNHEALTHY once the engine is gone");

        // The outage is the scenario, not a wait for a condition: the worker keeps retrying all along.
        await Task.Delay(Outage, TestContext.Current.CancellationToken);
        await engine.StartAsync();
        var back = Stopwatch.StartNew();
        try
        {
            await Eventually.Until(() => client.GetAsync("/health"), reply => reply.Status == HttpStatusCode.OK, "HEALTHY once the engine is back", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            output.WriteLine($"engine journal: {string.Join(", ", engine.Journal)}\nworker output:\n{worker.Output}");
            throw;
        }

        back.Stop();
        output.WriteLine($"HEALTHY again {back.Elapsed.TotalSeconds:F2} s after the engine came back");

        back.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), worker.Output);
        engine.Registrations.Should().ContainSingle("the engine kept the worker: it listens again rather than registering anew");
        engine.OpenStreams.Should().Be(1);
    }

    [Fact]
    public async Task Example_worker_makes_its_listen_stream_again_after_a_failed_heartbeat_as_the_python_sdk_does()
    {
        await using var engine = await EngineStandIn.StartAsync();
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(Environment(engine, port));
        var client = new HealthcheckClient(port, "localhost");
        await worker.WaitUntilHealthyAsync(port);

        engine.HeartbeatsToFail = 1;
        await Eventually.Until(() => AfterTheFailedHeartbeat(engine).Contains("heartbeat"), "a heartbeat that succeeds after a failed one");
        await Eventually.Until(() => client.GetAsync("/health"), reply => reply.Status == HttpStatusCode.OK, "HEALTHY again");

        // action_listener.py lines 134-135 and 175-185: the failed heartbeat interrupts the stream, which is made again.
        var afterFailure = AfterTheFailedHeartbeat(engine);
        afterFailure.Should().ContainInOrder(["listen-ended", "listen-opened", "heartbeat"], worker.Output);
        engine.OpenStreams.Should().Be(1);
        engine.Registrations.Should().ContainSingle();
    }

    [Fact]
    public async Task Example_worker_ends_its_stream_then_its_heartbeats_then_unsubscribes_when_stopped()
    {
        await using var engine = await EngineStandIn.StartAsync();
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(Environment(engine, port));
        await worker.WaitUntilHealthyAsync(port);

        worker.Signal("TERM");
        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue(worker.Output);

        worker.ExitCode.Should().Be(0);
        var journal = engine.Journal.ToList();
        journal.Should().EndWith("unsubscribe", "Unsubscribe comes last");
        journal.Should().Contain("listen-ended");
        var streamEnded = journal.LastIndexOf("listen-ended");
        journal.Take(streamEnded).Should().Contain("listen-opened");
        journal.Skip(streamEnded).Count(call => call.StartsWith("heartbeat", StringComparison.Ordinal))
            .Should().BeLessThanOrEqualTo(1, "heartbeats stop after the stream ends (one may have been on its way)");
        journal.IndexOf("unsubscribe").Should().BeGreaterThan(streamEnded);
    }

    private static List<string> AfterTheFailedHeartbeat(EngineStandIn engine) => engine.Journal.SkipWhile(call => call != "heartbeat-failed").ToList();

    private static Dictionary<string, string?> Environment(EngineStandIn engine, int port)
    {
        var environment = ExampleWorkerProcess.HealthcheckOn(port);
        environment["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For(engine.HostPort);
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = "none";
        environment["HATCHET_CLIENT_HOST_PORT"] = engine.HostPort;
        return environment;
    }
}
