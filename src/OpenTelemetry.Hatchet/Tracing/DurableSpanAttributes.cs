using Google.Protobuf;
using OpenTelemetry.Hatchet.Dispatcher;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The attributes of a durable task's spans, read from the request the worker wrote on the durable-task stream, as
/// the Python SDK's instrumentor sets them (<c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c> at upstream
/// 89d130f).
/// </summary>
internal static class DurableSpanAttributes
{
    /// <summary>
    /// <c>hatchet.durable.wait_for</c> (<c>_wrap_aio_wait_for</c>, lines 1157-1172): <c>instrumentor</c>, then
    /// <c>hatchet.signal_key</c>, <c>hatchet.num_conditions</c> and <c>hatchet.step_run_id</c>, each kept unless
    /// excluded (Python drops only a <c>None</c>, so an empty key or no condition is still written).
    /// </summary>
    /// <remarks>
    /// Python's signal key is an argument of <c>aio_wait_for</c> that never reaches the engine
    /// (<c>context/context.py</c> lines 880-885 send only the conditions and the label); the request names each
    /// condition by its <c>readable_data_key</c>, the key the wait's result is keyed by, which the TypeScript SDK lets
    /// its caller choose (<c>sleepFor(duration, readableDataKey)</c>). Those keys, distinct, in the request's order,
    /// stand for it. Python counts its arguments, an <c>or_</c> group as one; the request carries the group's
    /// conditions each with the group's <c>or_group_id</c> (<c>conditions.py</c> <c>flatten_conditions</c>, lines
    /// 157-169, and a condition outside a group gets an id of its own, line 44), so the distinct ids are Python's count.
    /// </remarks>
    public static List<KeyValuePair<string, object?>> WaitFor(IMessage waitFor, string taskRunId, HatchetInstrumentationOptions options)
    {
        var keys = new List<string>();
        var groups = new HashSet<string>(StringComparer.Ordinal);
        var ungrouped = 0;
        foreach (var conditionBase in DurableTaskMessages.ConditionBases(waitFor))
        {
            var (key, group) = DurableTaskMessages.Condition(conditionBase);
            if (!keys.Contains(key, StringComparer.Ordinal))
            {
                keys.Add(key);
            }

            if (group.Length == 0)
            {
                ungrouped++;
            }
            else
            {
                groups.Add(group);
            }
        }

        var excluded = options.ExcludedAttributes;
        List<KeyValuePair<string, object?>> attributes = [new(FilteredAttributes.InstrumentorKey, HatchetActivitySource.Instrumentor)];
        if (!excluded.Contains("signal_key"))
        {
            attributes.Add(new("hatchet.signal_key", string.Join(", ", keys)));
        }

        if (!excluded.Contains("num_conditions"))
        {
            attributes.Add(new("hatchet.num_conditions", groups.Count + ungrouped));
        }

        if (!excluded.Contains("step_run_id"))
        {
            attributes.Add(new("hatchet.step_run_id", taskRunId));
        }

        return attributes;
    }

    /// <summary>
    /// Children spawned from a durable task (<c>_wrap_spawn_children_no_wait</c>, lines 1195-1233): one child is a
    /// <c>hatchet.run_workflow</c> with a triggered run's attributes, read from the child's request; any other number
    /// a <c>hatchet.run_workflows</c> with their count and names.
    /// </summary>
    public static (string Name, List<KeyValuePair<string, object?>> Attributes) Spawn(IMessage triggerRuns, HatchetInstrumentationOptions options)
    {
        var children = DurableTaskMessages.Children(triggerRuns);
        return children.Count == 1 && children[0] is IMessage child
            ? (SpanNames.RunWorkflow, ClientSpanAttributes.RunWorkflow(child, TriggerFields.TriggerWorkflow, options))
            : (SpanNames.RunWorkflows, ClientSpanAttributes.SpawnedRuns(triggerRuns));
    }
}
