namespace OpenTelemetry.Hatchet.Metrics;

/// <summary>The values of the <c>hatchet.task_run.outcome</c> attribute.</summary>
internal static class TaskRunOutcome
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>A durable run the engine evicted from the worker; it comes back as a new assignment when it is restored.</summary>
    public const string Evicted = "evicted";

    /// <summary>No end was reported: the run was dropped to keep tracking bounded, or assigned again.</summary>
    public const string Unknown = "unknown";
}
