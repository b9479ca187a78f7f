namespace OpenTelemetry.Hatchet.Metrics;

/// <summary>
/// The one place that says what each <c>hatchet_worker_*</c> gauge is called and what it reads from
/// <see cref="HatchetWorkerHealth"/>. The meter's callbacks and the fallback exposition
/// (<see cref="OpenTelemetry.Hatchet.Scrape.HatchetFamiliesWriter"/>) both read through here, so a gauge that changes its
/// name, description or meaning changes in both.
/// </summary>
internal static class HatchetWorkerGauges
{
    public static readonly HatchetWorkerGauge Status = new(
        "hatchet.worker.status",
        "hatchet_worker_status",
        Unit: null,
        "Current status of the Hatchet worker");

    public static readonly HatchetWorkerGauge ListenerHealth = new(
        "hatchet.worker.listener_health",
        "hatchet_worker_listener_health",
        Unit: null,
        "1 when the Hatchet worker is HEALTHY, else 0 (the Python SDK's gauge)");

    public static readonly HatchetWorkerGauge EventLoopLag = new(
        "hatchet.worker.event_loop_lag",
        "hatchet_worker_event_loop_lag_seconds",
        Unit: "s",
        "How long work queued to the .NET thread pool waited before it ran (the Python SDK's event loop lag)");

    public static readonly HatchetWorkerGauge Slots = new(
        "hatchet.worker.slots",
        "hatchet_worker_slots",
        Unit: null,
        "Slots still free on the Hatchet worker: its slots minus the task runs it holds");

    public static readonly HatchetWorkerGauge Actions = new(
        "hatchet.worker.actions",
        "hatchet_worker_actions",
        Unit: null,
        "Number of actions registered on the Hatchet worker");

    /// <summary>1 when the worker is healthy, else 0.</summary>
    public static int ReadStatus(HatchetWorkerHealth health) => health.Status == HatchetWorkerStatus.Healthy ? 1 : 0;

    /// <summary>
    /// 1 exactly when the status is HEALTHY, as the Python SDK sets it from its whole computed status
    /// (<c>sdks/python/hatchet_sdk/worker/action_listener_process.py</c>, <c>_metrics_handler</c>, lines 251-262 at
    /// upstream 89d130f): dashboards and alerts written for Python workers read it so.
    /// </summary>
    public static int ReadListenerHealth(HatchetWorkerHealth health) => ReadStatus(health);

    public static double ReadEventLoopLag(HatchetWorkerHealth health) => health.ThreadPoolLag.TotalSeconds;

    /// <summary>The slots still free, or <see langword="null"/> when the worker has not described its slots, as in the TypeScript SDK.</summary>
    public static int? ReadSlots(HatchetWorkerHealth health) => health.FreeSlots;

    /// <summary>The number of actions, or <see langword="null"/> when the worker has not described itself.</summary>
    public static int? ReadActions(HatchetWorkerHealth health) => health.Description?.Actions.Count;
}
