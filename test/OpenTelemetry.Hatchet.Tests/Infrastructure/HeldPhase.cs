namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Probes a host while <see cref="SlowStart"/> or <see cref="SlowStop"/> holds it in a phase.</summary>
internal static class HeldPhase
{
    /// <summary>Runs the probe, then lets the phase finish, whether or not the probe succeeded.</summary>
    public static async Task<T> ProbeAsync<T>(Task phase, TaskCompletionSource release, Func<Task<T>> probe)
    {
        try
        {
            return await probe();
        }
        finally
        {
            release.SetResult();
            await phase;
        }
    }
}
