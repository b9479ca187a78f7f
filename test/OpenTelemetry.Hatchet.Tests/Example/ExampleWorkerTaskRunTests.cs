using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>The example worker's task runs as the engine sees them: their events and their task's logs.</summary>
public sealed class ExampleWorkerTaskRunTests
{
    [Fact]
    public async Task Example_worker_completes_a_run_and_sends_its_tasks_log_line_with_the_runs_id_level_and_retry_count()
    {
        await using var engine = await EngineStandIn.StartAsync();
        var port = FreeTcpPort.Next();
        var token = HatchetTestTokens.For(engine.HostPort);
        using var worker = ExampleWorkerProcess.Start(Environment(token, port));
        await worker.WaitUntilHealthyAsync(port);
        var assigned = DateTime.UtcNow;

        var run = Run("""{"input":{"name":"world"}}""", retryCount: 2);
        engine.Assign(run);

        await Eventually.Until(() => EventsOf(engine, run).Count == 2, $"STARTED and COMPLETED for the run\n{worker.Output}");
        var (line, authorization) = await Eventually.Until(
            () => Task.FromResult(engine.Logs.Received.FirstOrDefault(log => log.Request.Message.StartsWith("Answering an input of", StringComparison.Ordinal))),
            log => log.Request is not null,
            $"the task's log line at the engine\n{worker.Output}");

        EventsOf(engine, run).Select(e => e.EventType).Should().Equal(StepActionEventType.StepEventTypeStarted, StepActionEventType.StepEventTypeCompleted);
        EventsOf(engine, run)[1].EventPayload.Should().Contain("\"message\":\"done by the .NET example worker\"");
        line.TaskRunExternalId.Should().Be(run.TaskRunExternalId);
        line.Level.Should().Be("INFO");
        line.HasTaskRetryCount.Should().BeTrue();
        line.TaskRetryCount.Should().Be(2);
        line.Message.Should().Be($"Answering an input of {run.ActionPayload.Length} bytes");
        line.CreatedAt.ToDateTime().Should().BeOnOrAfter(assigned.AddSeconds(-1)).And.BeOnOrBefore(DateTime.UtcNow);
        line.Metadata.Should().BeEmpty();
        authorization.Should().Be($"Bearer {token}");
        engine.Logs.Received.Should().ContainSingle("only what the task's code writes goes to the engine, not the worker's own log, nor the logs of its calls about the run (the STARTED event's came before the task's line)");
    }

    [Fact]
    public async Task Example_worker_fails_a_run_whose_input_has_fail_with_a_FAILED_event_carrying_the_message_and_the_exception_type()
    {
        await using var engine = await EngineStandIn.StartAsync();
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(Environment(HatchetTestTokens.For(engine.HostPort), port));
        await worker.WaitUntilHealthyAsync(port);

        var failing = Run("""{"input":{"fail":"boom"}}""", retryCount: 1);
        engine.Assign(failing);
        await Eventually.Until(() => EventsOf(engine, failing).Count == 2, $"STARTED and FAILED for the failing run\n{worker.Output}");
        await worker.WaitForOutputAsync($"failed step run: example:step/{failing.TaskRunExternalId}");
        var next = Run("""{"input":{}}""", retryCount: 0);
        engine.Assign(next);
        await Eventually.Until(() => EventsOf(engine, next).Count == 2, $"STARTED and COMPLETED for the run after it\n{worker.Output}");

        var events = EventsOf(engine, failing);
        events.Select(e => e.EventType).Should().Equal(StepActionEventType.StepEventTypeStarted, StepActionEventType.StepEventTypeFailed);
        var failed = events[1];
        (failed.HasRetryCount, failed.RetryCount, failed.HasShouldNotRetry, failed.ShouldNotRetry).Should().Be((true, 1, true, false));

        // TaskRunError.serialize: "{type}: {message}", the trace, a blank line, the metadata naming the run.
        var lines = failed.EventPayload.Split('\n');
        lines[0].Should().Be("System.InvalidOperationException: boom");
        lines.Should().Contain(line => line.StartsWith("   at WorkerService.ExampleWorkflow.Run(", StringComparison.Ordinal), "the stack follows the header");
        lines[^2].Should().BeEmpty();
        lines[^1].Should().Be($$$"""{"__hatchet_error_metadata__": {"task_run_external_id": "{{{failing.TaskRunExternalId}}}"}}""");

        worker.Output.Should().Contain($"failed step run: example:step/{failing.TaskRunExternalId}", "the worker logs the failure, as runner.py lines 303-311 do");
        EventsOf(engine, next).Select(e => e.EventType).Should().Equal(StepActionEventType.StepEventTypeStarted, StepActionEventType.StepEventTypeCompleted);
    }

    private static Dictionary<string, string?> Environment(string token, int port)
    {
        var environment = ExampleWorkerProcess.HealthcheckOn(port);
        environment["HATCHET_CLIENT_TOKEN"] = token;
        environment["HATCHET_CLIENT_TLS_STRATEGY"] = "none";
        return environment;
    }

    // A START_STEP_RUN as the engine fills it (subscribed_worker_v1.go lines 239-258, populateAssignedAction: the job
    // is the step, the job run the task run), its payload the task's stored input (lines 38-47; pkg/repository/input.go
    // lines 11-12: {"input": ...}).
    private static AssignedAction Run(string payload, int retryCount)
    {
        var (step, run) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        return new AssignedAction
        {
            TenantId = HatchetTestTokens.Tenant,
            WorkflowRunId = Guid.NewGuid().ToString(),
            JobId = step,
            JobName = "step",
            JobRunId = run,
            TaskId = step,
            TaskRunExternalId = run,
            ActionId = "example:step",
            ActionType = ActionType.StartStepRun,
            ActionPayload = payload,
            TaskName = "step",
            RetryCount = retryCount,
        };
    }

    private static List<StepActionEvent> EventsOf(EngineStandIn engine, AssignedAction run)
        => engine.Events.Where(e => e.TaskRunExternalId == run.TaskRunExternalId).ToList();
}
