using System.Net;
using OpenTelemetry.Hatchet.Tests.Example;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>The example worker, as its own process, as a real Hatchet worker against the test dispatcher.</summary>
public sealed class ExampleWorkerDispatcherTests
{
    [Fact]
    public async Task Example_worker_registers_listens_heartbeats_and_answers_task_runs_and_its_health_follows_the_connection()
    {
        var workflows = new TestAdminService.Workflows();
        await using var dispatcher = await TestDispatcher.StartAsync(TestAdminService.Services(workflows), TestAdminService.Map);
        var port = FreeTcpPort.Next();
        var environment = ExampleWorkerProcess.HealthcheckOn(port);

        // The token alone names the engine (its grpc_broadcast_address claim), as with Hatchet Cloud.
        var token = HatchetTestTokens.For($"127.0.0.1:{dispatcher.Address.Port}");
        environment["HATCHET_CLIENT_TOKEN"] = token;
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = "none";
        using var worker = ExampleWorkerProcess.Start(environment);
        var client = new HealthcheckClient(port, "localhost");

        await worker.WaitUntilHealthyAsync(port);
        var run = TestDispatcher.StartStepRun("run-1");
        run.RetryCount = 2;
        run.JobId = "job-1";
        run.JobRunId = "job-run-1";
        run.TaskId = "task-1";
        dispatcher.Assign(run);
        await Eventually.Until(() => dispatcher.Events.Count(e => e.TaskRunExternalId == "run-1") == 2, "STARTED and COMPLETED for run-1");
        var scrape = await Eventually.Until(() => client.GetAsync("/metrics"), reply => reply.Body.Contains("hatchet_task_run_ended_total", StringComparison.Ordinal), "the run's end in a scrape");
        dispatcher.RefuseListen = true;
        dispatcher.BreakStreams();
        var broken = await Eventually.Until(() => client.GetAsync("/health"), reply => reply.Status == HttpStatusCode.ServiceUnavailable, "UNHEALTHY once the stream is broken");
        dispatcher.RefuseListen = false;
        await worker.WaitUntilHealthyAsync(port);

        var registration = dispatcher.Registrations.Should().ContainSingle().Subject;
        registration.SlotConfig.Should().Contain("default", 10);
        registration.Actions.Should().Equal("example:step");
        registration.Services.Should().Equal("default");
        dispatcher.Authorizations.Should().ContainSingle().Which.Should().Be($"bearer {token}");
        var events = dispatcher.Events.Where(e => e.TaskRunExternalId == "run-1").ToList();
        events.Select(e => e.EventType).Should().Equal(StepActionEventType.StepEventTypeStarted, StepActionEventType.StepEventTypeCompleted);
        events.Should().AllSatisfy(e =>
        {
            e.HasRetryCount.Should().BeTrue("the engine keys a task run's events by its retry count");
            e.RetryCount.Should().Be(2);
            e.WorkerId.Should().Be(dispatcher.WorkerIds.Single(), "the id the engine gave the registration");
            (e.JobId, e.JobRunId, e.TaskId, e.ActionId).Should().Be(("job-1", "job-run-1", "task-1", "example:step"));
            e.HasShouldNotRetry.Should().BeTrue();
        });
        events[1].EventPayload.Should().StartWith("{").And.Contain("\"message\"");
        scrape.Body.Should().MatchRegex("""(?m)^hatchet_task_run_ended_total\{[^}]*hatchet_task_run_outcome="completed"[^}]*\} 1""");
        MetricsEndpointTests.SampleValue(scrape.Body, "hatchet_worker_slots").Should().Be(10);
        broken.Body.Should().Be("""{"status":"UNHEALTHY"}""");
    }

    [Fact]
    public async Task Example_worker_registers_its_workflow_before_itself_so_that_runs_can_be_triggered()
    {
        var workflows = new TestAdminService.Workflows();
        await using var dispatcher = await TestDispatcher.StartAsync(TestAdminService.Services(workflows), TestAdminService.Map);
        var port = FreeTcpPort.Next();
        var environment = ExampleWorkerProcess.HealthcheckOn(port);
        var token = HatchetTestTokens.For("engine.invalid:443");
        environment["HATCHET_CLIENT_TOKEN"] = token;
        environment["HATCHET_CLIENT_HOST_PORT"] = $"127.0.0.1:{dispatcher.Address.Port}";
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = "none";
        using var worker = ExampleWorkerProcess.Start(environment);

        await worker.WaitUntilHealthyAsync(port);

        var workflow = workflows.Put.Should().ContainSingle().Subject;
        workflows.Authorizations.Should().ContainSingle().Which.Should().Be($"bearer {token}");
        workflow.Name.Should().Be("example");
        var task = workflow.Tasks.Should().ContainSingle().Subject;
        (task.ReadableId, task.Action, task.Timeout, task.ScheduleTimeout, task.Retries).Should().Be(("step", "example:step", "1m", "5m", 0));
        task.Parents.Should().BeEmpty("a one-task workflow's task is a root task");
        task.SlotRequests.Should().Contain("default", 1);
        dispatcher.Registrations.Should().ContainSingle().Which.Actions.Should().Contain(task.Action, "the worker runs the action its workflow names");
    }

    [Fact]
    public async Task Example_worker_describes_its_runtime_without_a_language_the_engine_would_refuse()
    {
        await using var dispatcher = await TestDispatcher.StartAsync(TestAdminService.Services(new TestAdminService.Workflows()), TestAdminService.Map);
        var port = FreeTcpPort.Next();
        var environment = ExampleWorkerProcess.HealthcheckOn(port);
        environment["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For($"127.0.0.1:{dispatcher.Address.Port}");
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = "none";
        using var worker = ExampleWorkerProcess.Start(environment);

        await worker.WaitUntilHealthyAsync(port);

        var runtime = dispatcher.Registrations.Should().ContainSingle().Subject.RuntimeInfo;
        // pkg/repository/worker.go refuses any language it does not map, UNKNOWN included: leave it unset.
        runtime.HasLanguage.Should().BeFalse();
        runtime.SdkVersion.Should().NotBeNullOrEmpty();
        runtime.LanguageVersion.Should().Be(Environment.Version.ToString());
        runtime.Os.Should().Be("linux");
        runtime.Extra.Should().Contain("language=csharp").And.Contain(".NET");
    }

    [Fact]
    public async Task Example_worker_stops_with_a_bad_tls_strategy_naming_variable_and_value()
    {
        var environment = ExampleWorkerProcess.HealthcheckOn(FreeTcpPort.Next());
        environment["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070");
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = "mtls-please";
        using var worker = ExampleWorkerProcess.Start(environment);

        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue();

        worker.ExitCode.Should().NotBe(0);
        worker.Output.Should().Contain("HATCHET_CLIENT_TLS_STRATEGY='mtls-please'");
    }
}
