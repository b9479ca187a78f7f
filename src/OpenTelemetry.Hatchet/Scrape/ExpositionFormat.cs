namespace OpenTelemetry.Hatchet.Scrape;

/// <summary>
/// The four exposition formats the OpenTelemetry Prometheus exporter (1.20.1-beta.1) answers with, which
/// the <c>/metrics</c> fallback writes too, and which one a request's <c>Accept</c> header asks for.
/// </summary>
/// <remarks>
/// For the <c>hatchet_worker_*</c> families and <c>target_info</c> the two OpenMetrics versions write the
/// same bytes, and so do the two text versions: the later versions differ only in quoting names that
/// are not legacy Prometheus names, which the exporter's default translation strategy never writes.
/// They differ in the <c>Content-Type</c> that names them.
/// </remarks>
internal enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4, what the exporter writes when nothing else is asked for.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0.0, what Prometheus asks for first; ends with <c># EOF</c>.</summary>
    OpenMetrics,

    /// <summary>OpenMetrics 0.0.1, what Prometheus asks for second; written as 1.0.0 is, ends with <c># EOF</c>.</summary>
    OpenMetricsV0,

    /// <summary>Prometheus text format 1.0.0 (Prometheus 3); written as 0.0.4 is.</summary>
    PrometheusTextV1,
}
