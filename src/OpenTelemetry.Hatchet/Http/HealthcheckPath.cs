namespace OpenTelemetry.Hatchet.Http;

/// <summary>The paths the healthcheck port answers.</summary>
internal enum HealthcheckPath
{
    Unknown,
    Health,
    Livez,
    Readyz,
    Metrics,
}
