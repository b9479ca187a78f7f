using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Otlp;

/// <summary>
/// Adds OpenTelemetry's OTLP metric exporter to the application's MeterProvider when OTLP is configured
/// (see <see cref="OtlpSettings"/>), so the Hatchet gauges and the runtime metrics go by OTLP as well as
/// to <c>/metrics</c>.
/// </summary>
/// <remarks>
/// Whether OTLP is on is known only once options and configuration can be read, when the MeterProvider is
/// built; the exporter's <c>AddOtlpExporter</c> cannot be called then (it registers services), so the
/// reader is made here from the exporter's public types. Its interval, timeout and temporality come from
/// the SDK's <see cref="MetricReaderOptions"/>, which read <c>OTEL_METRIC_EXPORT_INTERVAL</c> and
/// <c>OTEL_METRIC_EXPORT_TIMEOUT</c> through configuration; headers, timeout, compression and certificates
/// from the exporter's own options, which read the <c>OTEL_EXPORTER_OTLP_*</c> process variables.
/// </remarks>
internal static class HatchetOtlpExporter
{
    // Named, so that an application's own exporter and reader options keep theirs.
    public const string Name = "OpenTelemetry.Hatchet";

    public static void AddTo(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HatchetWorkerMetricsOptions>, OtlpSettingsValidator>());
        services.ConfigureOpenTelemetryMeterProvider(AddWhenConfigured);
    }

    private static void AddWhenConfigured(IServiceProvider provider, MeterProviderBuilder metrics)
    {
        var settings = OtlpSettings.Read(provider.GetRequiredService<IOptions<HatchetWorkerMetricsOptions>>().Value, provider.GetService<IConfiguration>());
        if (!settings.Enabled)
        {
            return;
        }

        var exporterOptions = provider.GetRequiredService<IOptionsFactory<OtlpExporterOptions>>().Create(Name);
        exporterOptions.Protocol = settings.Protocol;
        exporterOptions.Endpoint = settings.Endpoint;

        var readerOptions = provider.GetRequiredService<IOptionsMonitor<MetricReaderOptions>>().Get(Name);
        var periodic = readerOptions.PeriodicExportingMetricReaderOptions;
#pragma warning disable CA2000 // The MeterProvider owns the reader, and the reader its exporter.
        var reader = new PeriodicExportingMetricReader(
            new OtlpMetricExporter(exporterOptions),
            periodic.ExportIntervalMilliseconds ?? 60_000,
            periodic.ExportTimeoutMilliseconds ?? 30_000)
        {
            TemporalityPreference = readerOptions.TemporalityPreference,
        };
#pragma warning restore CA2000
        metrics.AddReader(reader);

        var logger = provider.GetService<ILoggerFactory>()?.CreateLogger(typeof(HatchetOtlpExporter).FullName!) ?? NullLogger.Instance;
        OtlpLog.Exporting(logger, settings.ProtocolName, settings.Endpoint, settings.EndpointSetting);
    }
}
