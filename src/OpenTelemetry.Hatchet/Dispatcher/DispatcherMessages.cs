using System.Collections;
using System.Globalization;
using Google.Protobuf;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>The dispatcher contract's messages, read by field number (numbers from the engine's dispatcher.proto).</summary>
internal static class DispatcherMessages
{
    /// <summary>The values of <c>AssignedAction.action_type</c>.</summary>
    public const int StartStepRun = 0;
    public const int CancelStepRun = 1;
    public const int StartBatch = 3;

    /// <summary>
    /// The slots the engine gives a worker that registers with neither <c>slots</c> nor <c>slot_config</c>
    /// (<c>internal/services/dispatcher/server.go</c> lines 61-66 at upstream 89d130f).
    /// </summary>
    public const int EngineDefaultSlots = 100;

    /// <summary>The values of <c>StepActionEventType</c>.</summary>
    public const int Started = 1;
    public const int Completed = 2;
    public const int Failed = 3;
    public const int Cancelled = 5;

    /// <summary>What a <c>WorkerRegisterRequest</c> says about the worker, or <see langword="null"/> if it names none.</summary>
    public static HatchetWorkerDescription? Describe(IMessage register)
    {
        if (ProtoFields.String(register, 1) is not { Length: > 0 } name || string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var actions = new List<string>();
        foreach (var action in ProtoFields.Repeated(register, 2))
        {
            if (action is string text)
            {
                actions.Add(text);
            }
        }

        return new HatchetWorkerDescription
        {
            Name = name,
            Actions = actions,
            Slots = Slots(register),
            Labels = Labels(ProtoFields.Map(register, 5)),
        };
    }

    /// <summary>An <c>AssignedAction</c>: its type, task run id and action name.</summary>
    public static (int Type, string? TaskRunId, string? Action) Assignment(IMessage action)
        => (ProtoFields.Enum(action, 10) ?? -1, ProtoFields.String(action, 8), ProtoFields.String(action, 9));

    /// <summary>A <c>StepActionEvent</c>: its type and task run id.</summary>
    public static (int Type, string? TaskRunId) StepEvent(IMessage stepEvent)
        => (ProtoFields.Enum(stepEvent, 8) ?? -1, ProtoFields.String(stepEvent, 5));

    /// <summary>
    /// The payload of a <c>StepActionEvent</c> (9) or of a <c>BatchActionEventItem</c> (2): for <c>FAILED</c>, the error.
    /// Read only when a failed run's span needs it.
    /// </summary>
    public static string? EventPayload(IMessage runEvent, bool batchItem) => ProtoFields.String(runEvent, batchItem ? 2 : 9);

    /// <summary>A <c>WorkerListenRequest</c>'s worker id.</summary>
    public static string? ListeningWorkerId(IMessage listen) => ProtoFields.String(listen, 1);

    /// <summary>A <c>BatchActionEvent</c>'s type; its items are <see cref="BatchItems"/>.</summary>
    public static int BatchEventType(IMessage batchEvent) => ProtoFields.Enum(batchEvent, 6) ?? -1;

    public static IList BatchItems(IMessage batchEvent) => ProtoFields.Repeated(batchEvent, 7);

    /// <summary>A <c>BatchActionEventItem</c>'s task run id.</summary>
    public static string? BatchItemTaskRunId(object item) => item is IMessage message ? ProtoFields.String(message, 1) : null;

    /// <summary>An <c>UpsertWorkerLabelsRequest</c>'s labels (field 2, the same <c>WorkerLabels</c> map as registration's field 5).</summary>
    public static Dictionary<string, string> UpsertedLabels(IMessage upsert) => Labels(ProtoFields.Map(upsert, 2));

    /// <summary>
    /// The durable task run a <c>v1.DurableTaskResponse</c> says has left the worker: its <c>eviction_ack</c> (7,
    /// <c>durable_task_external_id</c> at 2) or its <c>server_evict</c> (8, <c>durable_task_external_id</c> at 1), from
    /// the engine's api-contracts/v1/dispatcher.proto.
    /// </summary>
    public static string? EvictedTaskRunId(IMessage response)
        => ProtoFields.Message(response, 7) is { } ack ? ProtoFields.String(ack, 2)
            : ProtoFields.Message(response, 8) is { } notice ? ProtoFields.String(notice, 1)
            : null;

    /// <summary>A <c>ReleaseSlotRequest</c>'s task run id.</summary>
    public static string? ReleasedTaskRunId(IMessage release) => ProtoFields.String(release, 1);

    // slot_config (9) replaces the deprecated slots (4): the worker's slots are the sum of its slot types; with
    // neither, the engine's default.
    private static int Slots(IMessage register)
    {
        var config = ProtoFields.Map(register, 9);
        if (config.Count > 0)
        {
            long sum = 0;
            foreach (DictionaryEntry entry in config)
            {
                sum += entry.Value is int units ? units : 0;
            }

            return (int)Math.Clamp(sum, 0, int.MaxValue);
        }

        return ProtoFields.Int32(register, 4) ?? EngineDefaultSlots;
    }

    // WorkerLabels: 1 str_value, 2 int_value; a label is published as text either way.
    private static Dictionary<string, string> Labels(IDictionary labels)
    {
        var result = new Dictionary<string, string>(labels.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in labels)
        {
            if (entry.Key is string key && entry.Value is IMessage value)
            {
                var text = ProtoFields.String(value, 1) ?? ProtoFields.Int32(value, 2)?.ToString(CultureInfo.InvariantCulture);
                if (text is not null)
                {
                    result[key] = text;
                }
            }
        }

        return result;
    }
}
