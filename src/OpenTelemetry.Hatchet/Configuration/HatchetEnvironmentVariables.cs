namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>The environment variables that this package reads: the Hatchet SDKs' own, and one of its own.</summary>
internal static class HatchetEnvironmentVariables
{
    public const string Enabled = "HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED";
    public const string Port = "HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT";
    public const string BindAddress = "HATCHET_CLIENT_WORKER_HEALTHCHECK_BIND_ADDRESS";
    public const string EventLoopBlockThreshold = "HATCHET_CLIENT_WORKER_HEALTHCHECK_EVENT_LOOP_BLOCK_THRESHOLD_SECONDS";

    // Not a Hatchet SDK's (they have no OTLP export), hence not under HATCHET_CLIENT_.
    public const string OtlpEnabled = "HATCHET_WORKER_OTLP_ENABLED";
}
