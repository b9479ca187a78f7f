using System.Diagnostics;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The run a call is made from, as the Python SDK's <c>ctx_workflow_run_id</c> and <c>ctx_step_run_id</c> hold it
/// while a task runs (<c>worker/runner/runner.py</c> lines 366-367 at upstream 89d130f): an event pushed from inside
/// a run names it in its metadata (<c>_inject_source_info</c>, <c>clients/events.py</c> lines 50-65), so that the
/// engine nests the event's spans under the run (<c>parseSourceInfo</c>, <c>internal/services/controllers/olap/engine_spans.go</c>).
/// </summary>
/// <remarks>
/// A run is current when its span is <see cref="Activity.Current"/> or an ancestor of it in this process: the task
/// joined its trace (<see cref="HatchetDispatcherInterceptor.JoinTaskRunTrace"/>), or runs under a span begun there.
/// The ids are kept on the run's span itself, not in its attributes, which <c>ExcludedAttributes</c> may leave off.
/// </remarks>
internal sealed record TaskRunSource(string WorkflowRunId, string StepRunId)
{
    public const string WorkflowRunIdKey = "hatchet__source_workflow_run_id";
    public const string StepRunIdKey = "hatchet__source_step_run_id";

    private const string Property = "OpenTelemetry.Hatchet.TaskRunSource";

    /// <summary>Marks a run's span with the run's ids; nothing when either is empty, as Python then adds nothing.</summary>
    public static void Mark(Activity span, string? workflowRunId, string? stepRunId)
    {
        if (!string.IsNullOrEmpty(workflowRunId) && !string.IsNullOrEmpty(stepRunId))
        {
            span.SetCustomProperty(Property, new TaskRunSource(workflowRunId, stepRunId));
        }
    }

    /// <summary>The run whose span is <paramref name="activity"/> or its nearest ancestor that is a run's, or null.</summary>
    public static TaskRunSource? Of(Activity? activity)
    {
        for (; activity is not null; activity = activity.Parent)
        {
            if (activity.GetCustomProperty(Property) is TaskRunSource source)
            {
                return source;
            }
        }

        return null;
    }

    /// <summary>The members an event's metadata gets beside its traceparent, in Python's order.</summary>
    public KeyValuePair<string, string>[] Members(string traceParent) =>
    [
        new(AdditionalMetadata.TraceParentKey, traceParent),
        new(WorkflowRunIdKey, this.WorkflowRunId),
        new(StepRunIdKey, this.StepRunId),
    ];
}
