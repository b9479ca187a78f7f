namespace OpenTelemetry.Hatchet;

/// <summary>
/// Options for the Hatchet worker healthcheck and metrics.
/// </summary>
/// <remarks>
/// Values come, each overriding the one before: these defaults; the <c>Hatchet:Worker</c> configuration
/// section (for example in <c>appsettings.json</c>); the Hatchet SDKs' environment variables
/// (<c>HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED</c>, <c>_PORT</c> and <c>_BIND_ADDRESS</c>); and last the
/// delegate passed to <c>WithHatchetWorkerMetrics</c>. They are validated when the host starts.
/// </remarks>
public sealed class HatchetWorkerMetricsOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string ConfigurationSectionName = "Hatchet:Worker";

    /// <summary>The port the Hatchet SDKs use by default.</summary>
    public const int DefaultHealthcheckPort = 8001;

    /// <summary>
    /// Gets or sets a value indicating whether the healthcheck port serves <c>/health</c> and <c>/metrics</c>.
    /// Off by default, as in the Hatchet SDKs; the meter publishes either way.
    /// Environment variable: <c>HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED</c>.
    /// </summary>
    public bool HealthcheckEnabled { get; set; }

    /// <summary>
    /// Gets or sets the healthcheck port, from 1 to 65535. Default 8001.
    /// Environment variable: <c>HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT</c>.
    /// </summary>
    public int HealthcheckPort { get; set; } = DefaultHealthcheckPort;

    /// <summary>
    /// Gets or sets the address the healthcheck listens on: <c>0.0.0.0</c> (the default: every IPv4
    /// interface), <c>localhost</c> or <c>127.0.0.1</c> (loopback only), or one IPv4 address of this
    /// machine. IPv6 addresses and <c>none</c> cannot be served by .NET's HttpListener on Linux and are
    /// refused at startup. Environment variable: <c>HATCHET_CLIENT_WORKER_HEALTHCHECK_BIND_ADDRESS</c>.
    /// </summary>
    public string HealthcheckBindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Gets or sets a value indicating whether the host fails to start when the healthcheck port cannot
    /// be opened (for example because another process holds it). Off by default: the error is logged and
    /// the worker keeps running without its healthcheck, as the Python SDK does.
    /// </summary>
    public bool FailStartupIfHealthcheckUnavailable { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the metrics also go by OTLP. Unset by default: they do when an
    /// endpoint is given by <see cref="OtlpEndpoint"/>, <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> or
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>. <see langword="false"/> turns OTLP off whatever the variables say,
    /// for an application whose own OTLP exporter already carries these metrics; <see langword="true"/> turns
    /// it on even without an endpoint, to the exporter's default on localhost.
    /// </summary>
    public bool? OtlpEnabled { get; set; }

    /// <summary>
    /// Gets or sets the OTLP endpoint the metrics are also sent to, as an absolute <c>http</c> or
    /// <c>https</c> URL, used as it is: for <c>http/protobuf</c> it includes the path, as in
    /// <c>http://collector:4318/v1/metrics</c>; for <c>grpc</c> it is the collector's address, as in
    /// <c>http://collector:4317</c>. When set, it wins over <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> (also
    /// used as it is) and <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (a base URL, to which <c>/v1/metrics</c> is added
    /// for <c>http/protobuf</c>).
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Gets or sets the OTLP protocol: <c>grpc</c> or <c>http/protobuf</c>. Unset by default:
    /// <c>OTEL_EXPORTER_OTLP_METRICS_PROTOCOL</c>, then <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, then <c>grpc</c>
    /// (the OpenTelemetry .NET exporter's default).
    /// </summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>
    /// Gets or sets the name that becomes the <c>service.name</c> of the metrics' resource (for OTLP and for
    /// Prometheus' <c>target_info</c>) when <c>OTEL_SERVICE_NAME</c> does not name the service. Unset by
    /// default: the host's application name, normally the entry assembly's name. The resource is fixed
    /// before worker code runs, so the name passed to <see cref="HatchetWorkerHealth.Describe"/> cannot be
    /// used: give the worker's Hatchet name here as well.
    /// </summary>
    public string? WorkerName { get; set; }
}
