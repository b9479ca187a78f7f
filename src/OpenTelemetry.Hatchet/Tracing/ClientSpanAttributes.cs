using Google.Protobuf;
using OpenTelemetry.Hatchet.Dispatcher;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The attributes of a client call's span, read from the request the caller sent (before its
/// <c>additional_metadata</c> gets the traceparent), each as the Python SDK's instrumentor sets it
/// (<c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c>; names from <c>OTelAttribute</c> in
/// <c>utils/opentelemetry.py</c>).
/// </summary>
/// <remarks>
/// Python reads its own arguments; a request holds what they became. Python's <c>namespace</c>, <c>sticky</c> and
/// <c>key</c> never reach a request (the namespace is already part of the name, sticky became
/// <c>desired_worker_id</c>, the key is sent nowhere), so they are never set here.
/// </remarks>
internal static class ClientSpanAttributes
{
    private const string WorkflowName = "workflow_name";
    private const string Payload = "payload";
    private const string ParentId = "parent_id";
    private const string ParentStepRunId = "parent_step_run_id";
    private const string ChildIndex = "child_index";
    private const string ChildKey = "child_key";
    private const string AdditionalMetadata = "additional_metadata";
    private const string Priority = "priority";
    private const string DesiredWorkerId = "desired_worker_id";
    private const string RunAtTimestamps = "run_at_timestamps";
    private const string EventKey = "event_key";
    private const string Scope = "scope";

    // PushEventRequest (api-contracts/events/events.proto).
    private const int EventKeyField = 1;
    private const int EventPayloadField = 2;
    private const int EventMetadataField = 4;
    private const int EventPriorityField = 5;
    private const int EventScopeField = 6;

    // A bulk request's items: BulkTriggerWorkflowRequest.workflows and BulkPushEventRequest.events, each field 1,
    // and the name of each (TriggerWorkflowRequest.name, PushEventRequest.key), field 1 too.
    private const int ItemsField = 1;
    private const int ItemNameField = 1;

    /// <summary>
    /// <c>hatchet.run_workflow</c>: lines 897-925 (and <c>_build_run_workflow_attributes</c>, lines 788-817, for each
    /// run of a bulk trigger that has its own span).
    /// </summary>
    public static List<KeyValuePair<string, object?>> RunWorkflow(IMessage request, TriggerFields fields, HatchetInstrumentationOptions options)
    {
        var attributes = new FilteredAttributes(options.ExcludedAttributes);
        attributes.Add(WorkflowName, RequestFields.Text(request, fields.Name));
        attributes.Add(Payload, RequestFields.Text(request, fields.Input));
        attributes.Add(ParentId, RequestFields.Text(request, fields.ParentId));
        attributes.Add(ParentStepRunId, RequestFields.Text(request, fields.ParentTaskRunExternalId));
        attributes.Add(ChildIndex, ProtoFields.Int32(request, fields.ChildIndex));
        attributes.Add(ChildKey, RequestFields.Text(request, fields.ChildKey));
        attributes.Add(AdditionalMetadata, RequestFields.Text(request, fields.AdditionalMetadata));
        attributes.Add(Priority, ProtoFields.Int32(request, fields.Priority));
        attributes.Add(DesiredWorkerId, RequestFields.Text(request, fields.DesiredWorkerId));
        return attributes.Tags;
    }

    /// <summary><c>hatchet.schedule_workflow</c>: lines 1031-1060.</summary>
    public static List<KeyValuePair<string, object?>> ScheduleWorkflow(IMessage request, TriggerFields fields, HatchetInstrumentationOptions options)
    {
        var attributes = new FilteredAttributes(options.ExcludedAttributes);
        attributes.Add(WorkflowName, RequestFields.Text(request, fields.Name));
        attributes.Add(RunAtTimestamps, RunAt(request, fields.Schedules));
        attributes.Add(Payload, RequestFields.Text(request, fields.Input));
        attributes.Add(ParentId, RequestFields.Text(request, fields.ParentId));
        attributes.Add(ParentStepRunId, RequestFields.Text(request, fields.ParentTaskRunExternalId));
        attributes.Add(ChildIndex, ProtoFields.Int32(request, fields.ChildIndex));
        attributes.Add(ChildKey, RequestFields.Text(request, fields.ChildKey));
        attributes.Add(AdditionalMetadata, RequestFields.Text(request, fields.AdditionalMetadata));
        attributes.Add(Priority, ProtoFields.Int32(request, fields.Priority));
        return attributes.Tags;
    }

    /// <summary><c>hatchet.push_event</c>: lines 581-603.</summary>
    public static List<KeyValuePair<string, object?>> PushEvent(IMessage request, HatchetInstrumentationOptions options)
    {
        var attributes = new FilteredAttributes(options.ExcludedAttributes);
        attributes.Add(EventKey, RequestFields.Text(request, EventKeyField));
        attributes.Add(Payload, RequestFields.Text(request, EventPayloadField));
        attributes.Add(AdditionalMetadata, RequestFields.Text(request, EventMetadataField));
        attributes.Add(Priority, ProtoFields.Int32(request, EventPriorityField));
        attributes.Add(Scope, RequestFields.Text(request, EventScopeField));
        return attributes.Tags;
    }

    /// <summary>
    /// <c>hatchet.run_workflows</c>: lines 1085-1099, which Python neither filters nor lets be excluded; the names are
    /// <c>json.dumps</c> of a Python set, as Python writes it.
    /// </summary>
    public static List<KeyValuePair<string, object?>> RunWorkflows(IMessage request) => Bulk(request, "hatchet.num_workflows", "hatchet.unique_workflow_names");

    /// <summary><c>hatchet.bulk_push_event</c>: lines 636-645, as <see cref="RunWorkflows"/> with the events' keys.</summary>
    public static List<KeyValuePair<string, object?>> BulkPushEvent(IMessage request) => Bulk(request, "hatchet.num_events", "hatchet.unique_event_keys");

    /// <summary>
    /// <c>hatchet.run_workflows</c> of children spawned from a durable task (<c>_wrap_spawn_children_no_wait</c>, lines
    /// 1224-1233), as <see cref="RunWorkflows"/> with the children of a <c>DurableTaskTriggerRunsRequest</c>.
    /// </summary>
    public static List<KeyValuePair<string, object?>> SpawnedRuns(IMessage triggerRuns)
        => Bulk(triggerRuns, "hatchet.num_workflows", "hatchet.unique_workflow_names", DurableTaskMessages.TriggerOptsField);

    private static List<KeyValuePair<string, object?>> Bulk(IMessage request, string count, string names, int itemsField = ItemsField)
    {
        var items = ProtoFields.Repeated(request, itemsField);
        var unique = new List<string>(items.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            // Python's set of the items' names; every item has one, "" when unset.
            var name = item is IMessage message ? RequestFields.Text(message, ItemNameField) ?? string.Empty : string.Empty;
            if (seen.Add(name))
            {
                unique.Add(name);
            }
        }

        return
        [
            new(FilteredAttributes.InstrumentorKey, HatchetActivitySource.Instrumentor),
            new(count, items.Count),
            new(names, PythonText.JsonString(PythonText.SetRepr(unique))),
        ];
    }

    // json.dumps([ts.isoformat() for ts in schedules]) (line 1033), of the instants the request carries.
    private static string? RunAt(IMessage request, int number)
    {
        var schedules = ProtoFields.Repeated(request, number);
        var instants = new List<string>(schedules.Count);
        foreach (var schedule in schedules)
        {
            if (schedule is not IMessage timestamp || PythonText.IsoFormat(RequestFields.Int64(timestamp, 1) ?? 0, ProtoFields.Int32(timestamp, 2) ?? 0) is not { } text)
            {
                return null;
            }

            instants.Add(text);
        }

        return PythonText.JsonList(instants);
    }
}
