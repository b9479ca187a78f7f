using System.Net;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>Task runs handed out by the dispatcher, as the interceptor sees them: the third rule, free slots, instruments.</summary>
public sealed class TaskRunTests
{
    [Fact]
    public async Task Task_run_not_started_for_longer_than_the_threshold_makes_the_worker_unhealthy_until_it_starts()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(1));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        var blocked = await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");
        var after = clock.Elapsed;

        // Reading the status never logs: the change is logged by the monitor thread within half a second.
        await Eventually.Until(() => worker.Host.Logs.Lines.Any(IsBlockedWarning), "the blocked worker to be logged");
        await worker.Worker.SendAsync("run-1", StepActionEventType.StepEventTypeStarted);
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");

        blocked.Body.Should().Be("""{"status":"UNHEALTHY"}""");
        after.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2), "1 s to start, then the 1 s threshold");
        worker.Host.Logs.Lines.Where(IsBlockedWarning).Should().ContainSingle().Which.Level.Should().Be(LogLevel.Warning);
    }

    [Fact]
    public async Task Task_run_started_within_the_threshold_keeps_the_worker_healthy()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(1));

        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 1, "the run to be assigned");
        await worker.Worker.SendAsync("run-1", StepActionEventType.StepEventTypeStarted);
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy, "a started run, however long it runs, does not block the worker");
    }

    [Fact]
    public async Task Free_slots_and_task_run_instruments_match_what_the_dispatcher_handed_out()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        foreach (var id in new[] { "run-1", "run-2", "run-3", "run-4" })
        {
            worker.Dispatcher.Assign(TestDispatcher.StartStepRun(id));
        }

        await Eventually.Until(() => worker.Health.TaskRuns.Count == 4, "four runs assigned");
        var freeWhileAssigned = worker.Health.FreeSlots;
        await worker.Worker.SendAsync("run-1", StepActionEventType.StepEventTypeStarted);
        await worker.Worker.SendAsync("run-2", StepActionEventType.StepEventTypeStarted);
        await worker.Worker.SendAsync("run-3", StepActionEventType.StepEventTypeStarted);
        await worker.Worker.SendAsync("run-1", StepActionEventType.StepEventTypeCompleted);
        await worker.Worker.SendAsync("run-2", StepActionEventType.StepEventTypeFailed);
        worker.Dispatcher.Assign(new AssignedAction { TaskRunExternalId = "run-3", ActionId = "example:step", ActionType = ActionType.CancelStepRun });
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 1, "three runs ended");
        var scrape = (await Eventually.Until(() => worker.Client.GetAsync("/metrics"), reply => reply.Body.Contains("outcome=\"cancelled\"", StringComparison.Ordinal), "the cancelled run in a scrape")).Body;

        freeWhileAssigned.Should().Be(6, "10 slots, 4 runs holding one each");
        MetricsEndpointTests.SampleValue(scrape, "hatchet_worker_slots").Should().Be(9, "run-4 still holds its slot, unstarted");
        Sum(scrape, "hatchet_task_run_started_total").Should().Be(3);
        Sum(scrape, "hatchet_task_run_ended_total", "outcome=\"completed\"").Should().Be(1);
        Sum(scrape, "hatchet_task_run_ended_total", "outcome=\"failed\"").Should().Be(1);
        Sum(scrape, "hatchet_task_run_ended_total", "outcome=\"cancelled\"").Should().Be(1);
        Sum(scrape, "hatchet_task_run_wait_duration_seconds_count", "hatchet_action_name=\"example:step\"").Should().Be(3);
        Sum(scrape, "hatchet_task_run_duration_seconds_count").Should().Be(3);
        scrape.Should().Contain("hatchet_task_run_duration_seconds_bucket{").And.Contain("le=\"3600\"").And.NotContain("run-1");
    }

    [Fact]
    public async Task Run_the_worker_reports_cancelled_ends_and_gives_its_slot_back()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 1, "the run assigned");
        await worker.Worker.SendAsync("run-1", StepActionEventType.StepEventTypeStarted);

        await worker.Worker.SendAsync("run-1", StepActionEventType.StepEventTypeCancelled);

        worker.Health.TaskRuns.Count.Should().Be(0);
        worker.Health.FreeSlots.Should().Be(10);
        var scrape = (await Eventually.Until(() => worker.Client.GetAsync("/metrics"), reply => reply.Body.Contains("outcome=\"cancelled\"", StringComparison.Ordinal), "the cancelled run in a scrape")).Body;
        Sum(scrape, "hatchet_task_run_ended_total", "outcome=\"cancelled\"").Should().Be(1);
    }

    [Fact]
    public async Task Free_slots_never_go_below_zero()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        await worker.Worker.StartAsync(TestWorker.Registration(slots: 2));
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");

        foreach (var id in new[] { "run-1", "run-2", "run-3" })
        {
            worker.Dispatcher.Assign(TestDispatcher.StartStepRun(id));
        }

        await Eventually.Until(() => worker.Health.TaskRuns.Count == 3, "three runs assigned");
        worker.Health.FreeSlots.Should().Be(0);
    }

    [Fact]
    public async Task Batched_runs_hold_a_slot_each_from_their_own_assignment_and_start_and_end_with_one_batch_event_each()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();

        worker.Dispatcher.AssignBatch("batch", "example:batch", "batch-1", "batch-2");
        await Eventually.Until(() => worker.Worker.Received.Any(action => action.ActionType == ActionType.StartBatch), "the START_BATCH after its members");
        var tracked = worker.Health.TaskRuns.Count;
        var freeWhileAssigned = worker.Health.FreeSlots;
        await SendBatchAsync(worker, StepActionEventType.StepEventTypeStarted);
        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("later"));
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 3, "a later run assigned");
        worker.Health.TaskRuns.Started("later", instruments: null);
        var waitingAfterStart = worker.Health.TaskRuns.Waiting;
        await SendBatchAsync(worker, StepActionEventType.StepEventTypeFailed);

        tracked.Should().Be(2, "START_BATCH names no run of its own: its members came before it");
        freeWhileAssigned.Should().Be(8);
        waitingAfterStart.Should().Be(0, "the batch's STARTED started both members");
        worker.Health.TaskRuns.Count.Should().Be(1);
        worker.Health.FreeSlots.Should().Be(9);
    }

    [Fact]
    public async Task Released_slot_is_free_while_the_run_goes_on()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 1, "the run assigned");

        await worker.Worker.Client.ReleaseSlotAsync(new ReleaseSlotRequest { TaskRunExternalId = "run-1" }, cancellationToken: TestContext.Current.CancellationToken);

        worker.Health.FreeSlots.Should().Be(10);
        worker.Health.TaskRuns.Count.Should().Be(1, "its end is still to come");
    }

    private static Task<ActionEventResponse> SendBatchAsync(InterceptedWorker worker, StepActionEventType type)
        => worker.Worker.Client.SendBatchActionEventAsync(
            new BatchActionEvent
            {
                WorkerId = worker.Worker.WorkerId,
                ActionId = "example:batch",
                EventType = type,
                Items = { new BatchActionEventItem { TaskRunExternalId = "batch-1" }, new BatchActionEventItem { TaskRunExternalId = "batch-2" } },
            },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync;

    private static double Sum(string scrape, string metric, params string[] labels)
    {
        var sum = 0.0;
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(scrape, $@"(?m)^{System.Text.RegularExpressions.Regex.Escape(metric)}(?<labels>\{{[^}}]*\}})? (?<value>\S+)$"))
        {
            if (labels.All(label => match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                sum += double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    private static bool IsBlockedWarning(CapturedLogs.LogLine line)
        => line.Message.Contains("task runs have kept waiting more than 1 s to start for over 1 s", StringComparison.Ordinal);
}
