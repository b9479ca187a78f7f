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
    public void Worker_is_unhealthy_once_a_run_has_waited_one_second_plus_the_threshold_to_start()
    {
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(5));
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);

        worker.Advance(6);
        var atTheLimit = worker.Status;
        worker.Advance(0.001);

        atTheLimit.Should().Be(HatchetWorkerStatus.Healthy);
        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Contain("waited more than 1 s to start, for over 5 s");
    }

    [Fact]
    public void Blocked_clock_stops_when_no_run_waits_any_more()
    {
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(5));
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);
        worker.Advance(10);

        worker.Health.TaskRuns.Started("run-1", instruments: null);

        worker.Health.TaskRuns.BlockedFor.Should().BeNull();
        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Blocked_rule_comes_after_starvation_and_before_the_listener_in_the_reason()
    {
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(1));
        worker.Health.ReportListenerConnected();
        worker.Health.TaskRuns.Assigned("run-1", "a", instruments: null);

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
