using System.Diagnostics;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// <c>hatchet_task_run_duration_seconds</c> runs from the run's <c>STARTED</c> to its end; the time a run waits on the
/// worker between its assignment and its start is <c>hatchet_task_run_wait_duration_seconds</c>, and only that.
/// </summary>
public sealed class TaskRunDurationTests
{
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Task_run_duration_runs_from_its_start_and_the_wait_for_a_slot_is_counted_only_as_its_wait()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        var cancel = TestContext.Current.CancellationToken;
        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 1, "the run assigned");

        // The run waits for a slot on the worker: held, on purpose, between its assignment and its STARTED.
        var waited = Stopwatch.StartNew();
        await Task.Delay(Held, cancel);
        waited.Stop();
        var ran = Stopwatch.StartNew();
        await worker.Worker.SendAsync("run-1", StepActionEventType.StepEventTypeStarted);
        await worker.Worker.SendAsync("run-1", StepActionEventType.StepEventTypeCompleted);
        ran.Stop();
        var scrape = (await Eventually.Until(
            () => worker.Client.GetAsync("/metrics"),
            reply => ScrapedSamples.Sum(reply.Body, "hatchet_task_run_duration_seconds_count") >= 1,
            "the run's duration in a scrape")).Body;

        ScrapedSamples.Sum(scrape, "hatchet_task_run_wait_duration_seconds_count").Should().Be(1);
        ScrapedSamples.Sum(scrape, "hatchet_task_run_duration_seconds_count", "hatchet_task_run_outcome=\"completed\"").Should().Be(1);
        ScrapedSamples.Sum(scrape, "hatchet_task_run_wait_duration_seconds_sum").Should().BeGreaterThanOrEqualTo(
            waited.Elapsed.TotalSeconds,
            "the run was assigned before the hold began and started after it ended");
        ScrapedSamples.Sum(scrape, "hatchet_task_run_duration_seconds_sum").Should().BeLessThanOrEqualTo(
            ran.Elapsed.TotalSeconds,
            $"the run started after its {waited.Elapsed.TotalSeconds:0.###} s wait, and ended before its COMPLETED was answered");
    }
}
