using System.Net;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>The example worker, as its own process, as a real Hatchet worker against the test dispatcher.</summary>
public sealed class ExampleWorkerDispatcherTests
{
    [Fact]
    public async Task Example_worker_registers_listens_heartbeats_and_answers_task_runs_and_its_health_follows_the_connection()
    {
        await using var dispatcher = await TestDispatcher.StartAsync();
        var port = FreeTcpPort.Next();
        var environment = ExampleWorkerProcess.HealthcheckOn(port);
        environment["HATCHET_CLIENT_HOST_PORT"] = $"127.0.0.1:{dispatcher.Address.Port}";
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = "none";
        environment["HATCHET_CLIENT_TOKEN"] = "example-token";
        using var worker = ExampleWorkerProcess.Start(environment);
        var client = new HealthcheckClient(port, "localhost");

        await worker.WaitUntilHealthyAsync(port);
        dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        await Eventually.Until(() => dispatcher.Events.Count(e => e.TaskRunExternalId == "run-1") == 2, "STARTED and COMPLETED for run-1");
        var scrape = await Eventually.Until(() => client.GetAsync("/metrics"), reply => reply.Body.Contains("hatchet_task_run_ended_total", StringComparison.Ordinal), "the run's end in a scrape");
        dispatcher.RefuseListen = true;
        dispatcher.BreakStreams();
        var broken = await Eventually.Until(() => client.GetAsync("/health"), reply => reply.Status == HttpStatusCode.ServiceUnavailable, "UNHEALTHY once the stream is broken");
        dispatcher.RefuseListen = false;
        await worker.WaitUntilHealthyAsync(port);

        dispatcher.Registrations.Should().ContainSingle().Which.SlotConfig.Should().Contain("default", 10);
        dispatcher.Authorizations.Should().ContainSingle().Which.Should().Be("Bearer example-token");
        dispatcher.Events.Where(e => e.TaskRunExternalId == "run-1").Select(e => e.EventType)
            .Should().Equal(StepActionEventType.StepEventTypeStarted, StepActionEventType.StepEventTypeCompleted);
        scrape.Body.Should().MatchRegex("""(?m)^hatchet_task_run_ended_total\{[^}]*hatchet_task_run_outcome="completed"[^}]*\} 1""");
        MetricsEndpointTests.SampleValue(scrape.Body, "hatchet_worker_slots").Should().Be(10);
        broken.Body.Should().Be("""{"status":"UNHEALTHY"}""");
    }

    [Fact]
    public async Task Example_worker_stops_with_a_bad_tls_strategy_naming_variable_and_value()
    {
        var environment = ExampleWorkerProcess.HealthcheckOn(FreeTcpPort.Next());
        environment["HATCHET_CLIENT_HOST_PORT"] = "127.0.0.1:7070";
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = "mtls-please";
        using var worker = ExampleWorkerProcess.Start(environment);

        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue();

        worker.ExitCode.Should().NotBe(0);
        worker.Output.Should().Contain("HATCHET_CLIENT_TLS_STRATEGY='mtls-please'");
    }
}
