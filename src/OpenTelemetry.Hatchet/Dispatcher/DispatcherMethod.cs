using Grpc.Core;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>The Hatchet dispatcher's calls that tell a worker's health, recognised by their full method name.</summary>
/// <remarks>
/// The dispatcher's proto declares no package, so these names are fixed on the wire whatever namespace or
/// type names a user's generated client has.
/// </remarks>
internal enum DispatcherMethod
{
    None,
    Register,
    Listen,
    ListenV2,
    Heartbeat,
    SendStepActionEvent,
    SendBatchActionEvent,
    ReleaseSlot,
    Unsubscribe,
    UpsertWorkerLabels,
}

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
