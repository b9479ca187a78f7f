namespace OpenTelemetry.Hatchet;

/// <summary>
/// The status of a Hatchet worker, with the same names the Hatchet SDKs use on <c>/health</c>.
/// </summary>
public enum HatchetWorkerStatus
{
    /// <summary>The worker has been created but its host has not begun to start.</summary>
    Initialized = 0,

    /// <summary>The worker is starting and cannot take work yet.</summary>
    Starting = 1,

    /// <summary>The worker can take work.</summary>
    Healthy = 2,

    /// <summary>The worker cannot take work: it is stopping, or something it depends on has failed.</summary>
    Unhealthy = 3,
}
