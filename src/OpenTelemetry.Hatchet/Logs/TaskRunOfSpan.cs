using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// The task run a span belongs to, kept on the run's own span when it starts, so that a log record written under it,
/// or under any span below it in the same process, is told apart from every other record by a walk up the current
/// span's parents, whatever attributes the application left off the span.
/// </summary>
/// <param name="TaskRunId">The run's <c>task_run_external_id</c>.</param>
/// <param name="RetryCount">The run's retry count, as the engine assigned it (<c>AssignedAction.retry_count</c>).</param>
internal sealed record TaskRunOfSpan(string TaskRunId, int RetryCount)
{
    private const string Property = "OpenTelemetry.Hatchet.TaskRun";

    public static void Attach(Activity span, string taskRunId, int retryCount)
        => span.SetCustomProperty(Property, new TaskRunOfSpan(taskRunId, retryCount));

    /// <summary>The run the caller's current span is, or is under; null outside every run.</summary>
    public static TaskRunOfSpan? Current()
    {
        for (var span = Activity.Current; span is not null; span = span.Parent)
        {
            if (span.GetCustomProperty(Property) is TaskRunOfSpan run)
            {
                return run;
            }
        }

        return null;
    }
}
