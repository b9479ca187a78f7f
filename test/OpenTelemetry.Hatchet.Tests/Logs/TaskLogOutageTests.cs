// The tasks here log as application code commonly does, through ILogger's extension methods (FormattedLogValues),
// which is the path the forwarder must read; the analyzers' advice to use LoggerMessage is for the package's own code.
#pragma warning disable CA1848, CA1873

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Logs;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Logs;

/// <summary>
/// An engine that hangs, refuses or lacks <c>PutLog</c> costs the task nothing: its log calls return at once, its run
/// starts and completes, <c>/health</c> stays 200; the records that cannot be sent are dropped, counted on the
/// package's meter and said once per outage in the application's log; sending resumes when the engine answers.
/// </summary>
public sealed class TaskLogOutageTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Hung_PutLog_never_delays_a_run_drops_what_the_queue_cannot_hold_and_sending_resumes_when_the_engine_answers()
    {
        await using var worker = await LoggedWorker.StartAsync(options =>
        {
            options.QueueSize = 8;
            options.CallTimeout = TimeSpan.FromMinutes(1);
        });
        worker.Engine.Hang();
        var run = await worker.AssignRunAsync();

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("line {Line}", 0);
        }

        await Eventually.Until(() => !worker.Engine.Received.IsEmpty, "the first call to hang");
        var writing = Stopwatch.StartNew();
        var task = Task.Run(() =>
        {
            using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
            {
                for (var line = 1; line < 100; line++)
                {
                    worker.Logger.LogInformation("line {Line}", line);
                }
            }
        }, TestContext.Current.CancellationToken);
        await task.WaitAsync(Quick, TestContext.Current.CancellationToken);
        writing.Stop();
        await worker.Worker.SendAsync(run.TaskRunExternalId, StepActionEventType.StepEventTypeStarted).WaitAsync(Quick, TestContext.Current.CancellationToken);
        await worker.Worker.SendAsync(run.TaskRunExternalId, StepActionEventType.StepEventTypeCompleted).WaitAsync(Quick, TestContext.Current.CancellationToken);
        var health = await worker.Host.Client.GetAsync("/health");

        writing.Elapsed.Should().BeLessThan(Quick);
        worker.Dispatcher.Events.Where(e => e.TaskRunExternalId == run.TaskRunExternalId).Select(e => e.EventType)
            .Should().Equal(StepActionEventType.StepEventTypeStarted, StepActionEventType.StepEventTypeCompleted);
        health.Status.Should().Be(HttpStatusCode.OK);

        // One call hangs with its record; the queue holds 8 more; the other 91 are dropped and counted.
        await Eventually.Until(() => worker.DroppedFor(TaskLogDrops.QueueFull) == 91, "the drops to be counted");
        worker.Host.Logs.Lines.Where(line => line.Category == Hatchet.Log.TaskLogsCategory && line.Level == LogLevel.Warning)
            .Should().ContainSingle().Which.Message.Should().Contain("queue_full");

        worker.Engine.Answer();
        var next = await worker.AssignRunAsync();
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(next.TaskRunExternalId))
        {
            worker.Logger.LogInformation("after the engine came back");
        }

        await Eventually.Until(() => worker.AcceptedFor(next).Any(), "sending to resume");
        worker.AcceptedFor(run).Select(request => request.Message).Should().Equal(Enumerable.Range(0, 9).Select(line => $"line {line}"));
        await Eventually.Until(() => worker.Host.Logs.Lines.Any(line => line.Category == Hatchet.Log.TaskLogsCategory && line.Message.Contains("91 were dropped", StringComparison.Ordinal)), "the end of the outage to be logged");
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.Internal)]
    public async Task Refused_PutLog_drops_the_record_counts_it_says_so_once_and_sending_resumes_when_the_engine_answers(StatusCode refusal)
    {
        await using var worker = await LoggedWorker.StartAsync(options => options.RetryDelay = TimeSpan.FromMilliseconds(50));
        worker.Engine.Refuse(refusal);
        var run = await worker.AssignRunAsync();

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            for (var line = 0; line < 3; line++)
            {
                worker.Logger.LogInformation("refused {Line}", line);
            }
        }

        await Eventually.Until(() => worker.DroppedFor(TaskLogDrops.Refused) == 3, "the three refusals to be counted");
        var health = await worker.Host.Client.GetAsync("/health");
        worker.Engine.Answer();
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("answered");
        }

        await Eventually.Until(() => worker.AcceptedFor(run).Any(), "sending to resume");
        health.Status.Should().Be(HttpStatusCode.OK);
        worker.Engine.Received.Should().HaveCount(4);
        worker.AcceptedFor(run).Select(request => request.Message).Should().Equal("answered");
        var said = worker.Host.Logs.Lines.Where(line => line.Category == Hatchet.Log.TaskLogsCategory).Select(line => line.Message).ToList();
        said.Should().HaveCount(2);
        said[0].Should().Contain($"PutLog failed with {refusal}");
        said[1].Should().Contain("3 were dropped");
    }

    // A refusal about the record itself (a run id that is not a UUID: server_v1.go lines 72-76 at upstream 89d130f;
    // a run the engine does not know) says nothing of the engine: the next record is sent at once, not after a wait.
    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.NotFound)]
    public async Task Record_the_engine_refuses_for_its_run_is_dropped_and_the_next_one_is_sent_without_a_wait(StatusCode refusal)
    {
        await using var worker = await LoggedWorker.StartAsync(options => options.RetryDelay = TimeSpan.FromMinutes(1));
        worker.Engine.Refuse(refusal);
        var run = await worker.AssignRunAsync();

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("refused for its run");
        }

        await Eventually.Until(() => worker.DroppedFor(TaskLogDrops.Refused) == 1, "the refusal to be counted");
        worker.Engine.Answer();
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("sent next");
        }

        // Well under the one-minute wait after a failure of the engine.
        await Eventually.Until(() => worker.AcceptedFor(run).Any(), "the next record to be sent", timeout: TimeSpan.FromSeconds(15));
        worker.Engine.Received.Select(call => call.Request.Message).Should().Equal("refused for its run", "sent next");
        worker.Host.Logs.Lines.Where(line => line.Category == Hatchet.Log.TaskLogsCategory).Select(line => line.Message)
            .Should().Contain(message => message.Contains($"the engine answered {refusal} for run {run.TaskRunExternalId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Second_outage_is_said_again_with_the_count_of_its_own_drops()
    {
        await using var worker = await LoggedWorker.StartAsync(options => options.RetryDelay = TimeSpan.FromMilliseconds(50));
        var run = await worker.AssignRunAsync();

        await Outage(worker, run, outage: 1, dropped: 3);
        await Outage(worker, run, outage: 2, dropped: 2);

        var said = worker.Host.Logs.Lines.Where(line => line.Category == Hatchet.Log.TaskLogsCategory).Select(line => line.Message).ToList();
        said.Should().HaveCount(4, "each outage is said when it begins and when it ends: {0}", string.Join(" | ", said));
        said[0].Should().Contain("PutLog failed with Unavailable");
        said[1].Should().Contain("3 were dropped");
        said[2].Should().Contain("PutLog failed with Unavailable");
        said[3].Should().Contain("2 were dropped");

        static async Task Outage(LoggedWorker worker, AssignedAction run, int outage, int dropped)
        {
            var before = worker.DroppedFor(TaskLogDrops.Refused);
            var accepted = worker.AcceptedFor(run).Count();
            worker.Engine.Refuse(StatusCode.Unavailable);
            using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
            {
                for (var line = 0; line < dropped; line++)
                {
                    worker.Logger.LogInformation("refused {Line}", line);
                }
            }

            await Eventually.Until(() => worker.DroppedFor(TaskLogDrops.Refused) == before + dropped, "the refusals to be counted");
            worker.Engine.Answer();
            using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
            {
                worker.Logger.LogInformation("answered after outage {Outage}", outage);
            }

            await Eventually.Until(() => worker.AcceptedFor(run).Count() == accepted + 1, "sending to resume");
            await Eventually.Until(() => worker.Host.Logs.Lines.Count(line => line.Category == Hatchet.Log.TaskLogsCategory && line.Message.Contains("were dropped", StringComparison.Ordinal)) == outage, "the end of the outage to be said");
        }
    }

    [Fact]
    public async Task Unimplemented_PutLog_stops_the_calls_for_a_while_then_they_are_tried_again()
    {
        var pause = TimeSpan.FromSeconds(1);
        await using var worker = await LoggedWorker.StartAsync(options => options.UnimplementedPause = pause);
        worker.Engine.Refuse(StatusCode.Unimplemented);
        var run = await worker.AssignRunAsync();

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("asks once");
        }

        await Eventually.Until(() => worker.DroppedFor(TaskLogDrops.Refused) == 1, "the refusal to be counted");
        var refusedAt = DateTime.UtcNow;
        worker.Engine.Answer();
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("not asked during the pause");
        }

        await Eventually.Until(() => worker.DroppedFor(TaskLogDrops.Paused) == 1, "the paused record to be counted");
        DateTime.UtcNow.Should().BeBefore(refusedAt + pause, "the record was dropped during the pause, not sent after it");
        await Eventually.Until(() => DateTime.UtcNow > refusedAt + pause, "the pause to pass");
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            worker.Logger.LogInformation("asked again after the pause");
        }

        await Eventually.Until(() => worker.AcceptedFor(run).Any(), "sending to resume");
        worker.Engine.Received.Select(call => call.Request.Message).Should().Equal("asks once", "asked again after the pause");
    }

    [Fact]
    public async Task Host_stop_sends_what_is_queued()
    {
        await using var worker = await LoggedWorker.StartAsync();
        var run = await worker.AssignRunAsync();

        // A slow engine: the 50 calls take a second, so most records are still queued when the host stops.
        worker.Engine.AnswerDelay = TimeSpan.FromMilliseconds(20);
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            for (var line = 0; line < 50; line++)
            {
                worker.Logger.LogInformation("queued {Line}", line);
            }
        }

        await worker.Host.DisposeAsync();

        worker.AcceptedFor(run).Should().HaveCount(50);
        worker.DroppedFor(TaskLogDrops.Shutdown).Should().Be(0);
    }

    // The sender as the processor's shutdown drives it, on its own: with nothing left to send, the stop is over at once,
    // not at the shutdown timeout (the provider's own limit, 5 s, would hide the difference behind a host's stop).
    [Fact]
    public async Task Stop_with_every_record_sent_returns_at_once_and_says_it_drained()
    {
        await using var engine = await LogEngine.StartAsync();
        using var meter = new Meter("task-log-stop-test");
        var options = new HatchetTaskLogOptions { ShutdownTimeout = TimeSpan.FromSeconds(30) };
        var connection = new HatchetEngineConnection(engine.Address, LoggedWorker.Token, HatchetEngineTls.Clear(engine.Address.Host));
        using var sender = new TaskLogSender(new PutLogCall(connection, options.CallTimeout), new TaskLogDrops(meter, () => null), options);
        sender.Enqueue(new PendingTaskLog(Guid.NewGuid().ToString(), 0, DateTime.UtcNow, TaskLogLevel.Info, "sent before the stop"));
        await Eventually.Until(() => !engine.Accepted.IsEmpty, "the record to be sent");

        var stopping = Stopwatch.StartNew();
        var drained = sender.Shutdown(TimeSpan.FromSeconds(30));
        stopping.Stop();

        drained.Should().BeTrue();
        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "nothing was left to send");
    }

    [Fact]
    public async Task Host_stop_waits_for_a_hung_engine_no_longer_than_the_shutdown_timeout_and_counts_what_is_left()
    {
        await using var worker = await LoggedWorker.StartAsync(options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(500));
        worker.Engine.Hang();
        var run = await worker.AssignRunAsync();
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            for (var line = 0; line < 10; line++)
            {
                worker.Logger.LogInformation("queued {Line}", line);
            }
        }

        await Eventually.Until(() => !worker.Engine.Received.IsEmpty, "the first call to hang");
        var stopping = Stopwatch.StartNew();
        await worker.Host.DisposeAsync();
        stopping.Stop();

        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4));
        worker.DroppedFor(TaskLogDrops.Shutdown).Should().Be(9);
        worker.Engine.Accepted.Should().BeEmpty();
    }
}
