using Grpc.Core;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>Recognises the dispatcher's calls by their full method name; see <see cref="DispatcherMethod"/>.</summary>
internal static class DispatcherMethods
{
    /// <summary>The engine's durable-task stream (<c>service V1Dispatcher</c> in <c>package v1</c>).</summary>
    public const string DurableTask = "/v1.V1Dispatcher/DurableTask";

    public static DispatcherMethod Classify(IMethod method) => method.FullName switch
    {
        "/Dispatcher/Register" => DispatcherMethod.Register,
        "/Dispatcher/Listen" => DispatcherMethod.Listen,
        "/Dispatcher/ListenV2" => DispatcherMethod.ListenV2,
        "/Dispatcher/Heartbeat" => DispatcherMethod.Heartbeat,
        "/Dispatcher/SendStepActionEvent" => DispatcherMethod.SendStepActionEvent,
        "/Dispatcher/SendBatchActionEvent" => DispatcherMethod.SendBatchActionEvent,
        "/Dispatcher/ReleaseSlot" => DispatcherMethod.ReleaseSlot,
        "/Dispatcher/Unsubscribe" => DispatcherMethod.Unsubscribe,
        "/Dispatcher/UpsertWorkerLabels" => DispatcherMethod.UpsertWorkerLabels,
        _ => DispatcherMethod.None,
    };
}
