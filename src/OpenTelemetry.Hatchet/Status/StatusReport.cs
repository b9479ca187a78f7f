namespace OpenTelemetry.Hatchet.Status;

/// <summary>One signal's view of the worker's status, with the reason that is logged when it decides the status.</summary>
internal readonly record struct StatusReport(HatchetWorkerStatus Status, string Reason)
{
    /// <summary>
    /// The worse of two reports: any one signal can hold the worker back. On a tie between two problems the first
    /// is kept, so signals are combined in the order of the rule that should be named as the reason; on a tie
    /// between two healthy reports the second is kept, as it is the more specific signal (a listener that
    /// reconnected, rather than a host that started long ago).
    /// </summary>
    public static StatusReport Worse(StatusReport first, StatusReport? second)
        => second is { } other && (Severity(other.Status) > Severity(first.Status) || (other.Status == first.Status && other.Status == HatchetWorkerStatus.Healthy)) ? other : first;

    // Healthy is best; a worker that has not begun to start is further from taking work than one that is starting.
    private static int Severity(HatchetWorkerStatus status) => status switch
    {
        HatchetWorkerStatus.Healthy => 0,
        HatchetWorkerStatus.Starting => 1,
        HatchetWorkerStatus.Initialized => 2,
        _ => 3,
    };
}
