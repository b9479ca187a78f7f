namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>The Hatchet SDKs' environment variables that this package reads.</summary>
internal static class HatchetEnvironmentVariables
{
    public const string Enabled = "HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED";
    public const string Port = "HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT";
    public const string BindAddress = "HATCHET_CLIENT_WORKER_HEALTHCHECK_BIND_ADDRESS";
    public const string EventLoopBlockThreshold = "HATCHET_CLIENT_WORKER_HEALTHCHECK_EVENT_LOOP_BLOCK_THRESHOLD_SECONDS";
}
