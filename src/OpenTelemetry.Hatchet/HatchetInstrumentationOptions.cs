namespace OpenTelemetry.Hatchet;

/// <summary>
/// How the package traces task runs and the calls that trigger them, once <c>AddHatchetInstrumentation()</c> has
/// asked for its spans. The Python SDK's <c>HATCHET_CLIENT_OPENTELEMETRY_*</c> variables set the same things, and are
/// read here too; code that sets a property wins over them.
/// </summary>
public sealed class HatchetInstrumentationOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether a task run's span is named <c>hatchet.start_step_run.{action id}</c>
    /// rather than <c>hatchet.start_step_run</c>. Default false;
    /// <c>HATCHET_CLIENT_OPENTELEMETRY_INCLUDE_TASK_NAME_IN_START_STEP_RUN_SPAN_NAME</c>.
    /// </summary>
    public bool IncludeTaskNameInStartStepRunSpanName { get; set; }

    /// <summary>
    /// Gets the attributes left off every span, named as the Python SDK names them, without the <c>hatchet.</c>
    /// prefix (<c>payload</c>, <c>additional_metadata</c>, ...). Empty by default;
    /// <c>HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES</c>, a JSON array such as <c>["payload"]</c>. A name the
    /// Python SDK does not know (its <c>OTelAttribute</c> values) stops the host at startup, as Python refuses it.
    /// </summary>
    public ISet<string> ExcludedAttributes { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a value indicating whether a bulk trigger gets a <c>hatchet.run_workflow</c> span for each run
    /// it triggers, under its <c>hatchet.run_workflows</c> span, each run's <c>traceparent</c> naming its own span.
    /// Default false; <c>HATCHET_CLIENT_OPENTELEMETRY_INDIVIDUAL_RUN_SPANS_FOR_BULK_RUN</c>.
    /// </summary>
    public bool IndividualRunSpansForBulkRun { get; set; }

    /// <summary>The configuration section the options are read from: <c>Hatchet:Instrumentation</c>.</summary>
    public const string ConfigurationSectionName = "Hatchet:Instrumentation";

    /// <summary>
    /// The name of the <see cref="OpenTelemetry.Trace.BatchExportActivityProcessorOptions"/> that size the batch the spans
    /// to the engine wait in. OpenTelemetry fills them from the <c>OTEL_BSP_*</c> variables; to set them in code,
    /// <c>services.Configure&lt;BatchExportActivityProcessorOptions&gt;(HatchetEngineBatchOptionsName, ...)</c>.
    /// </summary>
    public const string HatchetEngineBatchOptionsName = "HatchetEngine";

    /// <summary>
    /// Gets or sets a value indicating whether the package's spans are sent to the Hatchet engine the worker's Hatchet
    /// client connects to, so that they show in the Hatchet dashboard, as the Python SDK's
    /// <c>enable_hatchet_otel_collector</c> and the TypeScript SDK's <c>enableHatchetCollector</c> send them. The engine
    /// is read as those SDKs read their client's: <c>HATCHET_CLIENT_TOKEN</c> (the address from its claims),
    /// <c>HATCHET_CLIENT_HOST_PORT</c>, <c>HATCHET_CLIENT_TLS_STRATEGY</c>, <c>HATCHET_CLIENT_TLS_ROOT_CA_FILE</c>,
    /// <c>HATCHET_CLIENT_TLS_CERT_FILE</c>, <c>HATCHET_CLIENT_TLS_KEY_FILE</c> and <c>HATCHET_CLIENT_TLS_SERVER_NAME</c>;
    /// one missing or wrong stops the host at startup, naming it. Default false (the SDKs turn it on by default; here
    /// nothing leaves the worker unasked); <c>Hatchet:Instrumentation:EnableHatchetCollector</c> in configuration.
    /// <see cref="HatchetEngineAddress"/>, when set, names the engine instead.
    /// </summary>
    public bool EnableHatchetCollector { get; set; }

    /// <summary>
    /// Gets or sets the Hatchet engine's gRPC address (<c>https://host:port</c>, checked against the system's roots, or
    /// <c>http://</c> for an engine without TLS) to send the package's spans to over OTLP, named in code rather than
    /// read from the Hatchet client's variables as <see cref="EnableHatchetCollector"/> reads it. Default null. Needs
    /// <see cref="HatchetEngineToken"/>.
    /// </summary>
    public Uri? HatchetEngineAddress { get; set; }

    /// <summary>Gets or sets the API token the spans are sent to <see cref="HatchetEngineAddress"/> with (<c>HATCHET_CLIENT_TOKEN</c>'s value).</summary>
    public string? HatchetEngineToken { get; set; }

    /// <summary>Gets or sets how long no spans are sent after the engine answered <c>UNIMPLEMENTED</c>: 5 minutes, as Python's <c>_RETRY_AFTER</c>.</summary>
    internal TimeSpan HatchetEngineUnimplementedPause { get; set; } = TimeSpan.FromMinutes(5);
}
