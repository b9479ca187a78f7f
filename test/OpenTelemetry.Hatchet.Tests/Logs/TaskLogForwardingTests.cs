// The tasks here log as application code commonly does, through ILogger's extension methods (FormattedLogValues),
// which is the path the forwarder must read; the analyzers' advice to use LoggerMessage is for the package's own code.
#pragma warning disable CA1848, CA1873

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Logs;

/// <summary>
/// A task's log records reach the engine's <c>PutLog</c> as the Python SDK's <c>LogForwardingHandler</c> sends them
/// (<c>worker/runner/utils/capture_logs.py</c> lines 163-184 at upstream 89d130f): the records written under the
/// run's context, each with the run's id, its level as <c>LogLevel.from_levelname</c> names it and the run's retry
/// count; no other record.
/// </summary>
public sealed class TaskLogForwardingTests
{
    [Fact]
    public async Task Log_lines_inside_a_run_arrive_in_order_with_the_runs_id_level_retry_count_and_the_bearer_token()
    {
        await using var worker = await LoggedWorker.StartAsync();
        var run = await worker.AssignRunAsync();
        var before = DateTime.UtcNow;

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogDebug("reading card {Card}", "c-7");
            worker.Logger.LogInformation("charged {Amount:F2} {Currency}", 3m, "EUR");
            worker.Logger.LogWarning("slow gateway: {Millis} ms", 1200);
            worker.Logger.LogError(new InvalidOperationException("declined"), "charge failed");
            worker.Logger.LogCritical("gateway gone");
        }

        await Eventually.Until(() => worker.AcceptedFor(run).Count() >= 5, "the five lines to reach the engine");
        var received = worker.AcceptedFor(run).ToList();

        received.Select(request => request.Message).Should().Equal(
            "reading card c-7",
            "charged 3.00 EUR",
            "slow gateway: 1200 ms",
            $"charge failed\n{new InvalidOperationException("declined")}",
            "gateway gone");

        // Python's from_levelname: WARNING is WARN, and CRITICAL, which it does not name, falls back to INFO.
        received.Select(request => request.Level).Should().Equal("DEBUG", "INFO", "WARN", "ERROR", "INFO");
        received.Should().AllSatisfy(request =>
        {
            request.HasLevel.Should().BeTrue();
            request.HasTaskRetryCount.Should().BeTrue();
            request.TaskRetryCount.Should().Be(2);
            request.Metadata.Should().BeEmpty();
            request.CreatedAt.ToDateTime().Should().BeOnOrAfter(before.AddSeconds(-1)).And.BeOnOrBefore(DateTime.UtcNow);
        });
        received.Select(request => request.CreatedAt.ToDateTime()).Should().BeInAscendingOrder();
        worker.Engine.Received.Select(call => call.Authorization).Should().AllBe($"Bearer {LoggedWorker.Token}");
    }

    [Fact]
    public async Task Log_line_under_a_span_of_the_task_below_the_run_goes_to_the_run()
    {
        await using var worker = await LoggedWorker.StartAsync();
        using var appSource = new ActivitySource($"App.{Guid.NewGuid():N}");
        using var listener = RecordedSpans.Of(appSource);
        var run = await worker.AssignRunAsync();

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        using (appSource.StartActivity("charge card"))
        using (appSource.StartActivity("call gateway"))
        {
            worker.Logger.LogInformation("two spans down");
        }

        await Eventually.Until(() => worker.AcceptedFor(run).Any(), "the line to reach the engine");
        worker.AcceptedFor(run).Select(request => request.Message).Should().Equal("two spans down");
    }

    [Fact]
    public async Task Value_whose_formatting_throws_is_dropped_and_counted_and_the_forwarder_throws_nothing_into_the_tasks_log_call()
    {
        await using var worker = await LoggedWorker.StartAsync();
        var run = await worker.AssignRunAsync();

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            // The test host's capturing provider formats the message itself and throws, as a console provider would, and
            // the logging factory hands its exception back once every provider has had the record: the forwarder adds none.
            var write = () => worker.Logger.LogInformation("card {Card}", new Unprintable());
            write.Should().Throw<AggregateException>().Which.InnerExceptions.Should().ContainSingle()
                .Which.StackTrace.Should().Contain(nameof(CapturedLogs)).And.NotContain("OpenTelemetry.Hatchet.Logs");
            worker.Logger.LogInformation("after it");
        }

        await Eventually.Until(() => worker.AcceptedFor(run).Any(), "the next line to reach the engine");
        worker.AcceptedFor(run).Select(request => request.Message).Should().Equal("after it");
        worker.DroppedFor(Hatchet.Logs.TaskLogDrops.Unreadable).Should().Be(1);
    }

    [Fact]
    public async Task Log_lines_longer_than_10000_characters_arrive_cut_to_10000_and_the_cut_is_said_once()
    {
        await using var worker = await LoggedWorker.StartAsync();
        var run = await worker.AssignRunAsync();

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("{Payload}", new string('a', 12_000));
            worker.Logger.LogInformation("{Payload}", new string('b', 10_001));
            worker.Logger.LogInformation("short");
        }

        await Eventually.Until(() => worker.AcceptedFor(run).Count() >= 3, "the three lines to reach the engine");
        worker.AcceptedFor(run).Select(request => request.Message).Should().Equal(new string('a', 10_000), new string('b', 10_000), "short");
        worker.Host.Logs.Lines.Where(line => line.Category == Hatchet.Log.TaskLogsCategory).Select(line => line.Message)
            .Should().ContainSingle().Which.Should().Contain("12000 characters was cut to 10,000");
    }

    [Fact]
    public async Task Log_lines_outside_a_run_are_not_sent()
    {
        await using var worker = await LoggedWorker.StartAsync();
        using var appSource = new ActivitySource($"App.{Guid.NewGuid():N}");
        using var listener = RecordedSpans.Of(appSource);
        var run = await worker.AssignRunAsync();

        worker.Logger.LogInformation("before the task joins its run");
        using (appSource.StartActivity("an unrelated request"))
        {
            worker.Logger.LogInformation("under a span of no run");
        }

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("inside the run");
        }

        worker.Logger.LogInformation("after the task left its run");
        await worker.Worker.SendAsync(run.TaskRunExternalId, StepActionEventType.StepEventTypeCompleted);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count == 0, "the run to end");
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("joining a run that has ended");
        }

        // The forwarder sends in order: once a line written later arrives, any line before it would have too.
        var marker = await worker.AssignRunAsync();
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(marker.TaskRunExternalId))
        {
            worker.Logger.LogInformation("marker");
        }

        await Eventually.Until(() => worker.AcceptedFor(marker).Any(), "the marker to reach the engine");
        worker.Engine.Received.Select(call => call.Request.Message).Should().Equal("inside the run", "marker");
    }

    private sealed class Unprintable
    {
        public override string ToString() => throw new InvalidOperationException("a value that cannot be printed");
    }
}
