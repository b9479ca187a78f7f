using OpenTelemetry.Logs;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// Hands every log record written while a task run is the current trace to <see cref="TaskLogSender"/>, with the
/// run's id and retry count, as the Python SDK's <c>LogForwardingHandler.emit</c> hands a record written under a
/// run's context to its sender (<c>worker/runner/utils/capture_logs.py</c> lines 163-184 at upstream 89d130f).
/// Other records are left as they are, for the application's other processors.
/// </summary>
/// <remarks>
/// It runs on the thread that writes the record, so it only reads the record, formats its message and queues it;
/// the call to the engine is the sender's.
/// </remarks>
internal sealed class HatchetTaskLogProcessor(TaskLogSender sender) : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (TaskRunOfSpan.Current() is not { } run || data.CategoryName == Log.TaskLogsCategory)
        {
            return;
        }

        string message;
        try
        {
            message = TaskLogMessage.Of(data);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A value's own formatting threw: the task's call to its logger must not.
            sender.Drops.Drop(TaskLogDrops.Unreadable, exception.GetType().Name);
            return;
        }

        sender.Enqueue(new PendingTaskLog(run.TaskRunId, run.RetryCount, data.Timestamp, TaskLogLevel.Of(data.LogLevel), message));
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
        => sender.Shutdown(timeoutMilliseconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(timeoutMilliseconds));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            sender.Dispose();
        }

        base.Dispose(disposing);
    }
}
