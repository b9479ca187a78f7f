namespace OpenTelemetry.Hatchet.Metrics;

/// <summary>One gauge: its OpenTelemetry instrument name, the name the Prometheus exporter writes, its unit and description.</summary>
internal sealed record HatchetWorkerGauge(string InstrumentName, string PrometheusName, string? Unit, string Description);
