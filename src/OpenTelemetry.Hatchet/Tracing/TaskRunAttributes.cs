using Google.Protobuf;
using OpenTelemetry.Hatchet.Dispatcher;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The attributes of a task run's span, as the Python SDK's <c>Action.get_otel_attributes</c> gives them
/// (<c>sdks/python/hatchet_sdk/runnables/action.py</c> lines 112-144 at upstream 89d130f), read from the
/// <c>AssignedAction</c> by field number as the Python SDK's listener maps them into its <c>Action</c>
/// (<c>clients/dispatcher/action_listener.py</c> lines 238-264).
/// </summary>
/// <remarks>
/// Python keeps a value only if it is truthy (an empty string, a zero, an absent field are left off) and its name
/// is not in <c>excluded_attributes</c>; <c>instrumentor</c> is always there. One difference: <c>hatchet.payload</c>
/// is the payload as the engine sent it, where Python writes its own parsed model of it back as JSON.
/// </remarks>
internal static class TaskRunAttributes
{
    public static List<KeyValuePair<string, object?>> Of(IMessage action, string? workerId, HatchetInstrumentationOptions options)
    {
        var attributes = new List<KeyValuePair<string, object?>>(18);
        void Add(string name, object? value)
        {
            if (value is null or "" or 0 || options.ExcludedAttributes.Contains(name))
            {
                return;
            }

            attributes.Add(new("hatchet." + name, value));
        }

        // In the order of get_otel_attributes, each with the AssignedAction field it comes from.
        Add("tenant_id", ProtoFields.String(action, 1));
        Add("worker_id", workerId);
        Add("workflow_run_id", ProtoFields.String(action, 2));
        Add("step_id", ProtoFields.String(action, 7));
        Add("step_run_id", ProtoFields.String(action, 8));
        Add("retry_count", ProtoFields.Int32(action, 13));
        Add("parent_workflow_run_id", ProtoFields.String(action, 17));
        Add("child_workflow_index", ProtoFields.Int32(action, 15));
        Add("child_workflow_key", ProtoFields.String(action, 16));
        Add("payload", ProtoFields.String(action, 11));
        Add("workflow_name", ProtoFields.String(action, 5));
        Add("action_name", ProtoFields.String(action, 9));
        Add("step_name", ProtoFields.String(action, 12));
        Add("workflow_id", ProtoFields.String(action, 19));
        Add("workflow_version_id", ProtoFields.String(action, 20));
        Add("triggering_event_external_id", ProtoFields.String(action, 22));
        Add("triggering_event_key", ProtoFields.String(action, 23));
        attributes.Add(new("instrumentor", HatchetActivitySource.Instrumentor));
        return attributes;
    }

    /// <summary>The <c>hatchet.step_run_id</c> of a cancel's span, as Python's <c>_wrap_handle_cancel_action</c> sets it.</summary>
    public static List<KeyValuePair<string, object?>> OfCancel(string taskRunId) =>
    [
        new("instrumentor", HatchetActivitySource.Instrumentor),
        new("hatchet.step_run_id", taskRunId),
    ];
}
