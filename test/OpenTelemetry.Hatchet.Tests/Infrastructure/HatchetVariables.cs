namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>The Hatchet SDKs' variable names, spelled out as a user writes them rather than taken from the package.</summary>
internal static class HatchetVariables
{
    public const string Enabled = "HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED";
    public const string Port = "HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT";
    public const string EventLoopBlockThreshold = "HATCHET_CLIENT_WORKER_HEALTHCHECK_EVENT_LOOP_BLOCK_THRESHOLD_SECONDS";
    public const string BindAddress = "HATCHET_CLIENT_WORKER_HEALTHCHECK_BIND_ADDRESS";
}
