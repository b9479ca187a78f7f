namespace OpenTelemetry.Hatchet.HealthChecks;

/// <summary>
/// The names under which the worker's own status is registered as a health check. The tagged checks that
/// count toward the worker's status leave these out, or the worker would feed on its own status.
/// </summary>
internal sealed class HatchetWorkerHealthCheckNames
{
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
}
