namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The names <c>excluded_attributes</c> accepts: the values of the Python SDK's <c>OTelAttribute</c>
/// (<c>sdks/python/hatchet_sdk/utils/opentelemetry.py</c> at upstream 89d130f), which pydantic holds
/// <c>OpenTelemetryConfig.excluded_attributes</c> to (<c>list[OTelAttribute]</c>, <c>config.py</c> line 84).
/// </summary>
/// <remarks>
/// Some name attributes this package never writes (<c>namespace</c>, <c>sticky</c>, <c>key</c>, the durable ones):
/// they are accepted, as Python accepts them, and exclude nothing.
/// </remarks>
internal static class OTelAttributeNames
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "namespace",
        "additional_metadata",
        "workflow_name",
        "priority",
        "payload",
        "action_name",
        "step_name",
        "child_workflow_index",
        "child_workflow_key",
        "parent_workflow_run_id",
        "retry_count",
        "step_id",
        "step_run_id",
        "tenant_id",
        "worker_id",
        "workflow_id",
        "workflow_run_id",
        "workflow_version_id",
        "triggering_event_external_id",
        "triggering_event_key",
        "event_key",
        "scope",
        "parent_id",
        "parent_step_run_id",
        "child_index",
        "child_key",
        "desired_worker_id",
        "sticky",
        "key",
        "run_at_timestamps",
        "signal_key",
        "num_conditions",
        "memo_fn_name",
    };
}
