using OpenTelemetry.Hatchet.Status;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Status;

/// <summary>The task-run bookkeeping on a fake clock: bounds, inferred ends, and the third rule's timing.</summary>
public sealed class TaskRunTrackingTests
{
    [Fact]
    public void Tracking_is_bounded_by_dropping_the_oldest_run()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var runs = new TaskRuns(time, capacity: 3);

        for (var run = 0; run < 1000; run++)
        {
            runs.Assigned($"run-{run}", "a", instruments: null);
        }

        runs.Count.Should().Be(3);
        runs.HoldingSlots.Should().Be(3);
    }

    [Fact]
    public void Run_assigned_again_under_its_id_replaces_the_earlier_one()
    {
        var runs = new TaskRuns(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        runs.Assigned("run-1", "a", instruments: null);
        runs.Assigned("run-1", "a", instruments: null);

        runs.Count.Should().Be(1);
        runs.HoldingSlots.Should().Be(1);
    }

    [Fact]
    public void Worker_is_unhealthy_once_the_blocked_clock_is_older_than_the_threshold()
    {
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(5));
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);
        worker.Advance(1.5);
        worker.Health.TickTaskRuns();

        worker.Advance(5);
        var atTheLimit = worker.Status;
        worker.Advance(0.001);

        atTheLimit.Should().Be(HatchetWorkerStatus.Healthy);
        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Contain("task runs have kept waiting more than 1 s to start for over 5 s");
    }

    [Fact]
    public void Run_waiting_exactly_one_second_does_not_start_the_clock()
    {
        var worker = new ClockedHealth();
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);
        worker.Advance(1);

        worker.Health.TaskRuns.Tick().Should().BeNull();
        worker.Health.TaskRuns.BlockedFor.Should().BeNull();
    }

    [Fact]
    public void Clock_starts_at_a_tick_when_the_oldest_run_has_waited_too_long_though_the_newest_has_not()
    {
        var worker = new ClockedHealth();
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);
        worker.Advance(1.9);
        worker.Health.TaskRuns.Assigned("run-2", "a", instruments: null);
        worker.Advance(0.2);

        worker.Health.TaskRuns.Tick().Should().Be(1, "run-1 has waited 2.1 s, run-2 0.2 s");
        worker.Health.TaskRuns.BlockedFor.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Clock_clears_only_at_the_first_tick_where_no_run_waits_too_long()
    {
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(5));
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);
        worker.Advance(2);
        worker.Health.TickTaskRuns();
        worker.Advance(10);

        worker.Health.TaskRuns.Started("run-1", instruments: null);
        var beforeTheTick = worker.Status;
        worker.Health.TickTaskRuns();

        beforeTheTick.Should().Be(HatchetWorkerStatus.Unhealthy, "Python clears the clock at its next tick, not when the run starts");
        worker.Health.TaskRuns.BlockedFor.Should().BeNull();
        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Runs_each_started_two_and_a_half_seconds_after_they_arrive_one_a_second_make_the_worker_unhealthy()
    {
        // The Python SDK's clock: no single run waits longer than 2.5 s, yet one is always waiting over 1 s.
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(5));
        var statuses = new List<HatchetWorkerStatus>();
        for (var tenth = 1; tenth <= 120; tenth++)
        {
            worker.Advance(0.1);
            if (tenth % 10 == 5)
            {
                worker.Health.TaskRuns.Assigned($"run-{tenth}", "a", instruments: null);
            }

            if (tenth % 10 == 0 && tenth >= 30)
            {
                worker.Health.TaskRuns.Started($"run-{tenth - 25}", instruments: null);
            }

            if (tenth % 10 == 0)
            {
                worker.Health.TickTaskRuns();
                statuses.Add(worker.Status);
            }
        }

        statuses.Should().EndWith(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Contain("kept waiting more than 1 s to start");
    }

    [Fact]
    public void Clock_warns_once_when_it_starts_and_says_once_when_it_clears()
    {
        var worker = new ClockedHealth();
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);
        worker.Health.TaskRuns.Assigned("run-2", "a", instruments: null);
        worker.Advance(1.5);

        worker.Health.TickTaskRuns();
        worker.Advance(1);
        worker.Health.TickTaskRuns();
        worker.Health.TaskRuns.Started("run-1", instruments: null);
        worker.Health.TaskRuns.Started("run-2", instruments: null);
        worker.Health.TickTaskRuns();
        worker.Health.TickTaskRuns();

        worker.Logs.Lines.Where(line => line.Message.Contains("waited more than 1 s to start: the worker may be blocked", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Message.Should().StartWith("2 Hatchet task run(s)");
        worker.Logs.Lines.Where(line => line.Message.Contains("No Hatchet task run waits", StringComparison.Ordinal)).Should().ContainSingle();
    }

    [Fact]
    public void Blocked_rule_comes_after_starvation_and_before_the_listener_in_the_reason()
    {
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(1));
        worker.Health.ReportListenerConnected();
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);
        worker.Advance(2);
        worker.Health.TickTaskRuns();

        worker.Advance(30);

        worker.Reason.Should().Contain("to start", "the third rule is named before the stale heartbeat of the fifth");
    }

    [Fact]
    public void Run_that_ended_before_it_started_no_longer_counts_as_waiting()
    {
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(5));
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);

        worker.Health.TaskRuns.Ended("run-1", "cancelled", instruments: null);
        worker.Advance(60);
        worker.Health.TickTaskRuns();

        worker.Health.TaskRuns.BlockedFor.Should().BeNull();
        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Run_that_gave_its_slot_back_and_then_ended_frees_one_slot_only()
    {
        var runs = new TaskRuns(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        runs.Assigned("run-1", "a", instruments: null);
        runs.Assigned("run-2", "a", instruments: null);

        runs.SlotReleased("run-1");
        runs.Ended("run-1", "completed", instruments: null);

        runs.HoldingSlots.Should().Be(1, "run-2 still holds its slot");
    }
}
