namespace OpenTelemetry.Hatchet.Status;

/// <summary>One signal's view of the worker's status, with the reason that is logged when it decides the status.</summary>
internal readonly record struct StatusReport(HatchetWorkerStatus Status, string Reason)
{
    /// <summary>The worst of the host's and the worker's reports: any one signal can hold the worker back.</summary>
    public static StatusReport Worst(StatusReport host, StatusReport? worker)
        => worker is { } reported && Severity(reported.Status) > Severity(host.Status) ? reported : host;

    // Healthy is best; a worker that has not begun to start is further from taking work than one that is starting.
    private static int Severity(HatchetWorkerStatus status) => status switch
    {
        HatchetWorkerStatus.Healthy => 0,
        HatchetWorkerStatus.Starting => 1,
        HatchetWorkerStatus.Initialized => 2,
        _ => 3,
    };
}
