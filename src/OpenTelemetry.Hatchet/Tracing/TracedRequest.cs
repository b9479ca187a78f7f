using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// A client call the Python SDK's instrumentor traces, recognised by its full method name: the span it gets, how
/// that span's attributes are read from the request, and where the request's <c>additional_metadata</c> is.
/// </summary>
/// <remarks>
/// Field numbers are the engine's contract (<c>api-contracts/</c> of <c>hatchet-dev/hatchet</c> at 89d130f), not a
/// generated type: a user's client may be generated in any namespace. <c>workflows.proto</c> and <c>events.proto</c>
/// declare no package, so their services' names are fixed on the wire; the v1 admin service is in <c>package v1</c>.
/// </remarks>
internal sealed class TracedRequest
{
    /// <summary><c>/WorkflowService/TriggerWorkflow</c>: one run (<c>_wrap_run_workflow</c>, instrumentor.py lines 878-936).</summary>
    public static readonly TracedRequest TriggerWorkflow = new(
        SpanNames.RunWorkflow, (request, options) => ClientSpanAttributes.RunWorkflow(request, TriggerFields.TriggerWorkflow, options), TriggerFields.TriggerWorkflow.AdditionalMetadata);

    /// <summary>
    /// <c>/WorkflowService/BulkTriggerWorkflow</c>: many runs in one call (<c>_wrap_run_workflows</c>, lines 1072-1106),
    /// each item a <c>TriggerWorkflowRequest</c> in field 1.
    /// </summary>
    public static readonly TracedRequest BulkTriggerWorkflow = new(
        SpanNames.RunWorkflows, (request, _) => ClientSpanAttributes.RunWorkflows(request), metadataField: 0, itemsField: 1, item: TriggerWorkflow, itemSpans: true);

    /// <summary><c>/WorkflowService/ScheduleWorkflow</c> (<c>_wrap_schedule_workflow</c>, lines 998-1070).</summary>
    public static readonly TracedRequest ScheduleWorkflow = new(
        SpanNames.ScheduleWorkflow, (request, options) => ClientSpanAttributes.ScheduleWorkflow(request, TriggerFields.ScheduleWorkflow, options), TriggerFields.ScheduleWorkflow.AdditionalMetadata);

    /// <summary>
    /// <c>/v1.AdminService/TriggerWorkflowRun</c>: one run through the v1 admin service. The Python SDK does not call
    /// it; it triggers a run as <c>TriggerWorkflow</c> does, so its span is the same.
    /// </summary>
    public static readonly TracedRequest TriggerWorkflowRun = new(
        SpanNames.RunWorkflow, (request, options) => ClientSpanAttributes.RunWorkflow(request, TriggerFields.TriggerWorkflowRun, options), TriggerFields.TriggerWorkflowRun.AdditionalMetadata);

    /// <summary><c>/EventsService/Push</c> (<c>_wrap_push_event</c>, lines 543-615); <c>additional_metadata</c> is field 4.</summary>
    public static readonly TracedRequest Push = new(
        SpanNames.PushEvent, ClientSpanAttributes.PushEvent, metadataField: 4, carriesSource: true);

    /// <summary><c>/EventsService/BulkPush</c> (<c>_wrap_bulk_push_event</c>, lines 617-663), each event in field 1.</summary>
    public static readonly TracedRequest BulkPush = new(
        SpanNames.BulkPushEvent, (request, _) => ClientSpanAttributes.BulkPushEvent(request), metadataField: 0, itemsField: 1, item: Push, itemSpans: false);

    private readonly Func<IMessage, HatchetInstrumentationOptions, List<KeyValuePair<string, object?>>> attributes;

    private TracedRequest(
        string spanName,
        Func<IMessage, HatchetInstrumentationOptions, List<KeyValuePair<string, object?>>> attributes,
        int metadataField,
        int itemsField = 0,
        TracedRequest? item = null,
        bool itemSpans = false,
        bool carriesSource = false)
    {
        this.CarriesSource = carriesSource;
        this.SpanName = spanName;
        this.attributes = attributes;
        this.MetadataField = metadataField;
        this.ItemsField = itemsField;
        this.Item = item;
        this.HasItemSpans = itemSpans;
    }

    public string SpanName { get; }

    /// <summary>Gets the number of the request's <c>additional_metadata</c>; 0 for a bulk request, whose items have their own.</summary>
    public int MetadataField { get; }

    /// <summary>Gets the number of a bulk request's repeated items; 0 for a request of one run or event.</summary>
    public int ItemsField { get; }

    /// <summary>Gets what each item of a bulk request is, or <see langword="null"/>.</summary>
    public TracedRequest? Item { get; }

    /// <summary>Gets a value indicating whether each item may get a span of its own (<c>individual_run_spans_for_bulk_run</c>).</summary>
    public bool HasItemSpans { get; }

    /// <summary>
    /// Gets a value indicating whether the metadata also names the run the call is made from, when one is current
    /// (<see cref="TaskRunSource"/>): an event's, as Python's push wrappers do (instrumentor.py lines 610-612, 651-655).
    /// </summary>
    public bool CarriesSource { get; }

    /// <summary>The traced call a method is, or <see langword="null"/> for a call that is not traced.</summary>
    public static TracedRequest? Of(IMethod method) => method.FullName switch
    {
        "/WorkflowService/TriggerWorkflow" => TriggerWorkflow,
        "/WorkflowService/BulkTriggerWorkflow" => BulkTriggerWorkflow,
        "/WorkflowService/ScheduleWorkflow" => ScheduleWorkflow,
        "/v1.AdminService/TriggerWorkflowRun" => TriggerWorkflowRun,
        "/EventsService/Push" => Push,
        "/EventsService/BulkPush" => BulkPush,
        _ => null,
    };

    /// <summary>The span's attributes, read from the request as the caller sent it.</summary>
    public List<KeyValuePair<string, object?>> Attributes(IMessage request, HatchetInstrumentationOptions options) => this.attributes(request, options);

    /// <summary>Starts the span as the Python SDK does: a PRODUCER span, a child of the current one.</summary>
    public Activity? StartSpan(IMessage request, HatchetInstrumentationOptions options)
        => HatchetActivitySource.Source.StartActivity(this.SpanName, ActivityKind.Producer, default(ActivityContext), this.Attributes(request, options));
}
