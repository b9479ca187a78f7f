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
