using System.Collections;
using Google.Protobuf;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>
/// The durable-task stream's messages (<c>/v1.V1Dispatcher/DurableTask</c>), read by field number: numbers from the
/// engine's <c>api-contracts/v1/dispatcher.proto</c> and <c>v1/shared/condition.proto</c> at upstream 89d130f.
/// </summary>
internal static class DurableTaskMessages
{
    /// <summary>The field of <c>DurableTaskTriggerRunsRequest</c> that holds the children, each a <c>v1.TriggerWorkflowRequest</c>.</summary>
    public const int TriggerOptsField = 3;

    /// <summary>The <c>additional_metadata</c> of a child's <c>v1.TriggerWorkflowRequest</c> (<c>v1/shared/trigger.proto</c>).</summary>
    public const int ChildMetadataField = 7;

    /// <summary>The values of <c>DurableTaskErrorType</c>.</summary>
    public const int NonDeterminism = 1;

    /// <summary>A <c>DurableTaskRequest</c>'s <c>wait_for</c> (4), or <see langword="null"/>.</summary>
    public static IMessage? WaitFor(IMessage request) => ProtoFields.Message(request, 4);

    /// <summary>A <c>DurableTaskRequest</c>'s <c>trigger_runs</c> (3): children spawned from a durable task, or <see langword="null"/>.</summary>
    public static IMessage? TriggerRuns(IMessage request) => ProtoFields.Message(request, 3);

    /// <summary>
    /// The invocation a <c>DurableTaskWaitForRequest</c> or <c>DurableTaskTriggerRunsRequest</c> belongs to: both have
    /// <c>invocation_count</c> at 1 and <c>durable_task_external_id</c> at 2.
    /// </summary>
    public static DurableInvocation? InvocationOf(IMessage waitOrTrigger)
        => ProtoFields.String(waitOrTrigger, 2) is { Length: > 0 } id ? new DurableInvocation(id, ProtoFields.Int32(waitOrTrigger, 1) ?? 0) : null;

    /// <summary>A <c>DurableTaskTriggerRunsRequest</c>'s children.</summary>
    public static IList Children(IMessage triggerRuns) => ProtoFields.Repeated(triggerRuns, TriggerOptsField);

    /// <summary>
    /// The base (<c>BaseMatchCondition</c>, field 1) of each condition of a <c>DurableTaskWaitForRequest</c>'s
    /// <c>wait_for_conditions</c> (3): its <c>sleep_conditions</c> (1), then its <c>user_event_conditions</c> (2).
    /// </summary>
    public static List<IMessage> ConditionBases(IMessage waitFor)
    {
        var bases = new List<IMessage>();
        if (ProtoFields.Message(waitFor, 3) is not { } conditions)
        {
            return bases;
        }

        foreach (var kind in (ReadOnlySpan<int>)[1, 2])
        {
            foreach (var condition in ProtoFields.Repeated(conditions, kind))
            {
                if (condition is IMessage message && ProtoFields.Message(message, 1) is { } conditionBase)
                {
                    bases.Add(conditionBase);
                }
            }
        }

        return bases;
    }

    /// <summary>A <c>BaseMatchCondition</c>'s <c>readable_data_key</c> (1) and <c>or_group_id</c> (3).</summary>
    public static (string Key, string OrGroup) Condition(IMessage conditionBase)
        => (ProtoFields.String(conditionBase, 1) ?? string.Empty, ProtoFields.String(conditionBase, 3) ?? string.Empty);

    /// <summary>A <c>DurableTaskResponse</c>'s <c>trigger_runs_ack</c> (3): <c>durable_task_external_id</c> 1, <c>invocation_count</c> 2.</summary>
    public static DurableInvocation? TriggerRunsAck(IMessage response)
        => ProtoFields.Message(response, 3) is { } ack && ProtoFields.String(ack, 1) is { Length: > 0 } id ? new DurableInvocation(id, ProtoFields.Int32(ack, 2) ?? 0) : null;

    /// <summary>A <c>DurableTaskResponse</c>'s <c>wait_for_ack</c> (4): the log entry the wait became (its <c>ref</c>, 1).</summary>
    public static DurableEntry? WaitForAck(IMessage response) => ProtoFields.Message(response, 4) is { } ack ? Entry(ack) : null;

    /// <summary>A <c>DurableTaskResponse</c>'s <c>entry_completed</c> (5): the log entry satisfied (its <c>ref</c>, 1).</summary>
    public static DurableEntry? EntryCompleted(IMessage response) => ProtoFields.Message(response, 5) is { } completed ? Entry(completed) : null;

    /// <summary>
    /// A <c>DurableTaskResponse</c>'s <c>error</c> (6), a <c>DurableTaskErrorResponse</c>: the entry it is about
    /// (<c>ref</c>, 1), its <c>error_type</c> (2) and <c>error_message</c> (3).
    /// </summary>
    public static (DurableEntry Entry, int Type, string Message)? Error(IMessage response)
        => ProtoFields.Message(response, 6) is { } error && Entry(error) is { } entry
            ? (entry, ProtoFields.Enum(error, 2) ?? 0, ProtoFields.String(error, 3) ?? string.Empty)
            : null;

    /// <summary>
    /// The invocation a <c>DurableTaskResponse</c> says has left the worker, and why: its <c>eviction_ack</c> (7,
    /// <c>invocation_count</c> 1, <c>durable_task_external_id</c> 2) or its <c>server_evict</c> (8,
    /// <c>durable_task_external_id</c> 1, <c>invocation_count</c> 2, <c>reason</c> 3).
    /// </summary>
    public static (DurableInvocation Invocation, string? Reason)? Evicted(IMessage response)
    {
        if (ProtoFields.Message(response, 7) is { } ack && ProtoFields.String(ack, 2) is { Length: > 0 } acked)
        {
            return (new DurableInvocation(acked, ProtoFields.Int32(ack, 1) ?? 0), null);
        }

        if (ProtoFields.Message(response, 8) is { } notice && ProtoFields.String(notice, 1) is { Length: > 0 } evicted)
        {
            return (new DurableInvocation(evicted, ProtoFields.Int32(notice, 2) ?? 0), ProtoFields.String(notice, 3));
        }

        return null;
    }

    // A DurableEventLogEntryRef (field 1 of an ack, a completion or an error): durable_task_external_id 1,
    // invocation_count 2, branch_id 3, node_id 4.
    private static DurableEntry? Entry(IMessage holder)
    {
        if (ProtoFields.Message(holder, 1) is not { } entryRef || ProtoFields.String(entryRef, 1) is not { Length: > 0 } id)
        {
            return null;
        }

        return new DurableEntry(new DurableInvocation(id, ProtoFields.Int32(entryRef, 2) ?? 0), Int64(entryRef, 3), Int64(entryRef, 4));
    }

    private static long Int64(IMessage message, int number)
        => ProtoFields.Fields.Find(message, number) is { Single: Google.Protobuf.Reflection.FieldType.Int64 } field && field.Accessor.GetValue(message) is long value ? value : 0;
}

/// <summary>One invocation (attempt) of a durable task run: what the worker's requests and the engine's acks are keyed by.</summary>
internal readonly record struct DurableInvocation(string TaskRunId, int Count);

/// <summary>An entry of a durable task's event log: what the engine's completions and errors name.</summary>
internal readonly record struct DurableEntry(DurableInvocation Invocation, long Branch, long Node);
