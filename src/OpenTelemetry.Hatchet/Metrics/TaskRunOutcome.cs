namespace OpenTelemetry.Hatchet.Metrics;

/// <summary>The values of the <c>hatchet.task_run.outcome</c> attribute.</summary>
internal static class TaskRunOutcome
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>No end was reported: the run was dropped to keep tracking bounded, or assigned again.</summary>
    public const string Unknown = "unknown";
}
