namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>The OpenTelemetry specification's variable names, spelled out as a user writes them.</summary>
internal static class OtlpVariables
{
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string Protocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string MetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string MetricsProtocol = "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL";
    public const string ServiceName = "OTEL_SERVICE_NAME";

    // This package's own switch, documented in its README.
    public const string PackageSwitch = "HATCHET_WORKER_OTLP_ENABLED";

    // Read by the SDK's periodic reader; the default of 60 s would make every test wait a minute.
    public const string ExportInterval = "OTEL_METRIC_EXPORT_INTERVAL";

    // Read by the same reader: how long one collection and its export may take.
    public const string ExportTimeout = "OTEL_METRIC_EXPORT_TIMEOUT";
}
