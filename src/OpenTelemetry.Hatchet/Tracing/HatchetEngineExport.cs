using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Sends spans to the Hatchet engine when <see cref="HatchetInstrumentationOptions.HatchetEngineAddress"/> is set, as the
/// Python SDK's <c>_add_hatchet_exporter</c> does (<c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c>
/// lines 349-374 at upstream 89d130f): OTLP over gRPC to the engine's address with <c>authorization: Bearer
/// {token}</c>, batched, beside the hatchet attributes copied onto the spans a task run makes
/// (<see cref="HatchetAttributeProcessor"/>). Nothing is added when it is not set.
/// </summary>
internal static class HatchetEngineExport
{
    // Deferred until the provider is built, when the options can be read; every builder the SDK makes is deferred.
    public static void AddTo(TracerProviderBuilder builder) => (builder as IDeferredTracerProviderBuilder)?.Configure(static (services, tracing) =>
    {
        var options = services.GetRequiredService<IOptions<HatchetInstrumentationOptions>>().Value;
        if (options.HatchetEngineAddress is not { } address)
        {
            return;
        }

        var exporter = new OtlpTraceExporter(new OtlpExporterOptions
        {
            Endpoint = address,
            Protocol = OtlpExportProtocol.Grpc,
            Headers = $"authorization=Bearer {options.HatchetEngineToken}",
        });
        tracing.AddProcessor(new HatchetAttributeProcessor());
        tracing.AddProcessor(new BatchActivityExportProcessor(exporter));
    });
}
