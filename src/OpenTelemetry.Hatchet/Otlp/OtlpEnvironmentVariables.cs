namespace OpenTelemetry.Hatchet.Otlp;

/// <summary>The OpenTelemetry specification's variables that decide whether and where the metrics go by OTLP.</summary>
internal static class OtlpEnvironmentVariables
{
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string Protocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string MetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string MetricsProtocol = "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL";
}
