using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Sends spans to the Hatchet engine when the options name one (<see cref="HatchetEngineConnection"/>), as the Python
/// SDK's <c>_add_hatchet_exporter</c> does (<c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c> lines 349-374
/// at upstream 89d130f): OTLP over gRPC to the engine's address with <c>authorization: Bearer {token}</c> and the
/// client's TLS, batched, beside the hatchet attributes copied onto the spans a task run makes
/// (<see cref="HatchetAttributeProcessor"/>), and paused after <c>UNIMPLEMENTED</c> (<see cref="EngineCollectorBackoff"/>).
/// Nothing is added when they name none.
/// </summary>
/// <remarks>
/// The batch is sized by <see cref="BatchExportActivityProcessorOptions"/> named
/// <see cref="HatchetInstrumentationOptions.HatchetEngineBatchOptionsName"/>, which OpenTelemetry fills from the
/// <c>OTEL_BSP_*</c> variables in the host's configuration, as Python's <c>BatchSpanProcessor</c> reads them.
/// </remarks>
internal static class HatchetEngineExport
{
    // Deferred until the provider is built, when the options can be read; every builder the SDK makes is deferred.
    public static void AddTo(TracerProviderBuilder builder) => (builder as IDeferredTracerProviderBuilder)?.Configure(static (services, tracing) =>
    {
        var options = services.GetRequiredService<IOptions<HatchetInstrumentationOptions>>().Value;
        if (HatchetEngineConnection.Resolve(options, services.GetService<IConfiguration>()) is not { } connection)
        {
            return;
        }

        var exporterOptions = new OtlpExporterOptions
        {
            Endpoint = connection.Address,
            Protocol = OtlpExportProtocol.Grpc,
            Headers = $"authorization={connection.Authorization}",
        };
        var pause = options.HatchetEngineUnimplementedPause;
        exporterOptions.HttpClientFactory = () => new HttpClient(new EngineCollectorBackoff(pause) { InnerHandler = HatchetEngineHandler.Create(connection) })
        {
            Timeout = TimeSpan.FromMilliseconds(exporterOptions.TimeoutMilliseconds),
        };

        var batch = services.GetRequiredService<IOptionsMonitor<BatchExportActivityProcessorOptions>>().Get(HatchetInstrumentationOptions.HatchetEngineBatchOptionsName);
        tracing.AddProcessor(new HatchetAttributeProcessor());
        tracing.AddProcessor(new BatchActivityExportProcessor(
            new OtlpTraceExporter(exporterOptions),
            batch.MaxQueueSize,
            batch.ScheduledDelayMilliseconds,
            batch.ExporterTimeoutMilliseconds,
            batch.MaxExportBatchSize));
    });
}
