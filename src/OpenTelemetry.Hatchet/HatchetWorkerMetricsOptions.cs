using OpenTelemetry.Exporter;

namespace OpenTelemetry.Hatchet;

/// <summary>
/// Options for the Hatchet worker healthcheck and metrics.
/// </summary>
/// <remarks>
/// Values come, each overriding the one before: these defaults; the <c>Hatchet:Worker</c> configuration
/// section (for example in <c>appsettings.json</c>); the Hatchet SDKs' environment variables
/// (<c>HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED</c>, <c>_PORT</c>, <c>_BIND_ADDRESS</c> and
/// <c>_EVENT_LOOP_BLOCK_THRESHOLD_SECONDS</c>) and this package's <c>HATCHET_WORKER_OTLP_ENABLED</c>; and last the
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
    /// Gets or sets the address the healthcheck listens on, with the Python SDK's meanings: <c>0.0.0.0</c>
    /// (the default: every IPv4 interface), <c>none</c> or empty (every interface, IPv4 and IPv6),
    /// <c>::</c> (every IPv6 interface), <c>localhost</c> (IPv4 and IPv6 loopback), an IP address, or a
    /// host name, which is resolved when the host starts.
    /// Environment variable: <c>HATCHET_CLIENT_WORKER_HEALTHCHECK_BIND_ADDRESS</c>.
    /// </summary>
    public string HealthcheckBindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Gets or sets a value indicating whether the host fails to start when the healthcheck port cannot
    /// be opened (for example because another process holds it). Off by default: the error is logged and
    /// the worker keeps running without its healthcheck, as the Python SDK does.
    /// </summary>
    public bool FailStartupIfHealthcheckUnavailable { get; set; }

    /// <summary>
    /// Gets or sets how long work queued to the .NET thread pool may wait before it runs. A lag at or above
    /// it makes the worker <see cref="HatchetWorkerStatus.Unhealthy"/> and fails <c>/livez</c> until the
    /// lag falls below it again. Default 5 seconds. This is the .NET form of the Python SDK's blocked event
    /// loop; environment variable: <c>HATCHET_CLIENT_WORKER_HEALTHCHECK_EVENT_LOOP_BLOCK_THRESHOLD_SECONDS</c>
    /// (<c>5</c>, <c>2.5</c> or <c>5s</c>).
    /// </summary>
    public TimeSpan ThreadPoolLagThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long a worker that has called <see cref="HatchetWorkerHealth.ReportListenerConnecting"/>
    /// stays <see cref="HatchetWorkerStatus.Starting"/> before it is <see cref="HatchetWorkerStatus.Unhealthy"/>
    /// for want of a connection to the Hatchet dispatcher. Default 10 seconds, as in the Python SDK.
    /// </summary>
    public TimeSpan ListenerConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how old the last successful heartbeat may be before a connected worker is
    /// <see cref="HatchetWorkerStatus.Unhealthy"/>. Default 10 seconds: Hatchet workers heartbeat every
    /// 4 seconds with a 5-second deadline, so a healthy worker's last success is at most about 9 seconds
    /// old, and two heartbeats in a row must go missing before the worker is reported unhealthy.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets a value indicating whether <c>/health</c> answers <c>200</c> whatever the status, as the
    /// Hatchet documentation's first version and the TypeScript SDK do. Off by default: <c>503</c> unless
    /// <see cref="HatchetWorkerStatus.Healthy"/>, as the Python SDK does. The body always names the status.
    /// </summary>
    public bool HealthEndpointAlwaysOk { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether <c>/health</c> adds what the TypeScript SDK shows: the worker's
    /// name, slots, actions and labels, the reason for its status, and the .NET version. Off by default,
    /// because the port is often reachable by anyone on the network; turn it on only on a private network.
    /// </summary>
    public bool HealthEndpointIncludesDetails { get; set; }

    /// <summary>
    /// Gets or sets the tag that marks the application's own health checks (registered with
    /// <c>services.AddHealthChecks()</c>) as counting toward the worker's status: when any check with this
    /// tag is unhealthy, so is the worker. <see langword="null"/> (the default) counts none.
    /// </summary>
    public string? HealthChecksTag { get; set; }

    /// <summary>
    /// Gets or sets how often the tagged health checks run. Probes read the last result and never wait for
    /// a check. Default 10 seconds.
    /// </summary>
    public TimeSpan HealthChecksInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long one run of the tagged health checks may take; a run that takes longer makes
    /// the worker <see cref="HatchetWorkerStatus.Unhealthy"/>. Default 5 seconds.
    /// </summary>
    public TimeSpan HealthChecksTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets a value indicating whether the metrics also go by OTLP, through an exporter of this
    /// package's own. Off by default: an application that exports by OTLP itself (<c>UseOtlpExporter()</c>)
    /// already carries these metrics, and an instrumentation package adds no exporter it was not asked for.
    /// Configuration key <c>Hatchet:Worker:OtlpEnabled</c>; environment variable
    /// <c>HATCHET_WORKER_OTLP_ENABLED</c> (<c>true</c>, <c>1</c>, <c>yes</c>, ... as for
    /// <c>HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED</c>). Once it is on, <see cref="OtlpEndpoint"/>,
    /// <see cref="OtlpProtocol"/> and the standard <c>OTEL_EXPORTER_OTLP_*</c> variables say where the
    /// metrics go; with none of them, to the exporter's default on localhost.
    /// </summary>
    public bool OtlpEnabled { get; set; }

    /// <summary>
    /// Gets or sets the OTLP endpoint the metrics are sent to when <see cref="OtlpEnabled"/> is on, as an
    /// absolute <c>http</c> or <c>https</c> URL, used as it is: for <see cref="OtlpExportProtocol.HttpProtobuf"/>
    /// it includes the path, as in <c>http://collector:4318/v1/metrics</c>; for <see cref="OtlpExportProtocol.Grpc"/>
    /// it is the collector's address, as in <c>http://collector:4317</c>. When set, it wins over
    /// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> (also used as it is) and <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// (a base URL, to which <c>/v1/metrics</c> is added for <c>http/protobuf</c>).
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>
    /// Gets or sets the OTLP protocol used when <see cref="OtlpEnabled"/> is on. Unset by default:
    /// <c>OTEL_EXPORTER_OTLP_METRICS_PROTOCOL</c>, then <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> or
    /// <c>http/protobuf</c>), then <see cref="OtlpExportProtocol.Grpc"/> (the OpenTelemetry .NET exporter's
    /// default). In configuration, write the enum's name: <c>Grpc</c> or <c>HttpProtobuf</c>.
    /// </summary>
    public OtlpExportProtocol? OtlpProtocol { get; set; }
}
