using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace WorkerService;

/// <summary>
/// Runs the task runs the engine assigns, each on its own, and tells the engine what happened to each with
/// <c>SendStepActionEvent</c>: STARTED, then COMPLETED with the task's output or FAILED with the error.
/// </summary>
/// <param name="dispatcher">The engine's dispatcher.</param>
/// <param name="headers">Every call's metadata.</param>
/// <param name="logger">The worker's logger.</param>
/// <param name="taskLogger">The logger the task writes to.</param>
internal sealed partial class TaskRuns(Dispatcher.DispatcherClient dispatcher, Metadata headers, ILogger logger, ILogger taskLogger)
{
    private static readonly TimeSpan MaxEventBackoff = TimeSpan.FromSeconds(10);
    private const int EventAttempts = 20;

    private readonly ConcurrentDictionary<Task, byte> running = new();

    public string WorkerId { get; set; } = string.Empty;

    /// <summary>Starts a task run and returns at once: the listen stream keeps being read while it runs.</summary>
    public void Start(AssignedAction action)
    {
        // worker/action_listener_process.py lines 484-496 log every run received.
        LogReceived(logger, action.TaskRunExternalId, action.ActionId, action.RetryCount);
        var run = Task.Run(() => this.RunAsync(action));
        this.running.TryAdd(run, 0);
        run.ContinueWith(done => this.running.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits for the runs in progress and their events, as the Python listener process does before it stops heartbeating (lines 595-608).</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => Task.WhenAll(this.running.Keys).WaitAsync(cancellationToken);

    private async Task RunAsync(AssignedAction action)
    {
        // runner.py lines 775-782: STARTED with no payload, then COMPLETED with the output as JSON (lines 314-325).
        await this.SendAsync(action, StepActionEventType.StepEventTypeStarted, payload: string.Empty).ConfigureAwait(false);
        if (action.ActionId != ExampleWorkflow.Action)
        {
            await this.SendAsync(action, StepActionEventType.StepEventTypeFailed, $"this worker has no action '{action.ActionId}'").ConfigureAwait(false);
            return;
        }

        string output;
        try
        {
            // The task's own code runs in the run's trace: what it logs (and any span it starts) belongs to the run,
            // and AddHatchetTaskLogs() sends its logs to the engine. Only the task's code, as the Python SDK's runner
            // sets the run's context (ctx_step_run_id) inside the task alone (runner.py lines 360-371): the worker's
            // own calls and logs about the run, its events included, stay out of it.
            using (OpenTelemetry.Hatchet.HatchetDispatcherInterceptor.JoinTaskRunTrace(action.TaskRunExternalId))
            {
                output = ExampleWorkflow.Run(action.ActionPayload, taskLogger);
            }
        }
        catch (Exception exception)
        {
            // runner.py lines 288-311: whatever the task throws fails the run: FAILED with the error as
            // TaskRunError.serialize writes it, should_not_retry false (only a NonRetryableException sets it), then
            // "failed step run" logged at ERROR (the task has no retries left).
            await this.SendAsync(action, StepActionEventType.StepEventTypeFailed, TaskRunError.Serialize(exception, action.TaskRunExternalId)).ConfigureAwait(false);
            LogTaskRunFailed(logger, action.ActionId, action.TaskRunExternalId, TaskRunError.Serialize(exception));
            return;
        }

        await this.SendAsync(action, StepActionEventType.StepEventTypeCompleted, output).ConfigureAwait(false);
        LogTaskRun(logger, action.TaskRunExternalId, action.ActionId);
    }

    /// <summary>
    /// One event, with every field the Python SDK fills (<c>clients/dispatcher/dispatcher.py</c> lines 187-199 at
    /// upstream 89d130f), <c>retry_count</c> included, retried like it (lines 168-174: up to 20 attempts, backoff
    /// up to 10 s) while the failure is one worth retrying.
    /// </summary>
    private async Task SendAsync(AssignedAction action, StepActionEventType type, string payload)
    {
        var request = new StepActionEvent
        {
            WorkerId = this.WorkerId,
            JobId = action.JobId,
            JobRunId = action.JobRunId,
            TaskId = action.TaskId,
            TaskRunExternalId = action.TaskRunExternalId,
            ActionId = action.ActionId,
            EventTimestamp = Timestamp.FromDateTime(DateTime.UtcNow),
            EventType = type,
            EventPayload = payload,
            RetryCount = action.RetryCount,
            ShouldNotRetry = false,
        };

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dispatcher.SendStepActionEventAsync(request, headers).ConfigureAwait(false);
                return;
            }
            catch (RpcException exception) when (attempt < EventAttempts && HatchetRetry.IsRetryable(exception.StatusCode))
            {
                await Task.Delay(HatchetRetry.Backoff(attempt + 2, MaxEventBackoff)).ConfigureAwait(false);
            }
            catch (RpcException exception)
            {
                // dispatcher.py lines 150-166: the engine will time the run out and retry it as configured.
                LogEventLost(logger, type, action.TaskRunExternalId, exception.Status);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "rx: start step run {TaskRunId}/{Action} (retry {RetryCount})")]
    private static partial void LogReceived(ILogger logger, string taskRunId, string action, int retryCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task run {TaskRunId} of {Action} done")]
    private static partial void LogTaskRun(ILogger logger, string taskRunId, string action);

    [LoggerMessage(Level = LogLevel.Error, Message = "failed step run: {Action}/{TaskRunId}\n{Error}")]
    private static partial void LogTaskRunFailed(ILogger logger, string action, string taskRunId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not send the {Type} event of task run {TaskRunId}: {Status}; the engine will time the run out and retry it as configured")]
    private static partial void LogEventLost(ILogger logger, StepActionEventType type, string taskRunId, Status status);
}
