using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Metrics;
using OpenTelemetry.Hatchet.Otlp;
using OpenTelemetry.Hatchet.Port;
using OpenTelemetry.Hatchet.Status;

namespace OpenTelemetry.Metrics;

/// <summary>
/// Extension methods that add the Hatchet worker healthcheck and metrics to an OpenTelemetry builder.
/// </summary>
public static class HatchetWorkerMetricsOpenTelemetryBuilderExtensions
{
    internal const string ExporterOptionsName = "OpenTelemetry.Hatchet";

    // OpenTelemetry's IMetricsListener. Enabling the meter for it in the local scope means a MeterProvider
    // sees only the meter of its own host, not that of every host in the process.
    private const string OpenTelemetryListenerName = "OpenTelemetry";

    /// <summary>
    /// Publishes the Hatchet worker's status and the .NET runtime's metrics, and, when the healthcheck is
    /// enabled, serves <c>/health</c> and Prometheus <c>/metrics</c> on the Hatchet healthcheck port.
    /// </summary>
    /// <remarks>
    /// Safe to call more than once (from several libraries, say): the meter, the port and the signals are
    /// added once.
    /// </remarks>
    /// <param name="builder">The <see cref="IOpenTelemetryBuilder"/> from <c>services.AddOpenTelemetry()</c>.</param>
    /// <returns>The same builder, to chain calls.</returns>
    public static IOpenTelemetryBuilder WithHatchetWorkerMetrics(this IOpenTelemetryBuilder builder)
        => WithHatchetWorkerMetrics(builder, configure: null);

    /// <summary>
    /// Publishes the Hatchet worker's status and the .NET runtime's metrics, and, when the healthcheck is
    /// enabled, serves <c>/health</c> and Prometheus <c>/metrics</c> on the Hatchet healthcheck port.
    /// </summary>
    /// <remarks>
    /// Safe to call more than once (from several libraries, say): the meter, the port and the signals are
    /// added once, and every <paramref name="configure"/> given runs, in the order of the calls.
    /// </remarks>
    /// <param name="builder">The <see cref="IOpenTelemetryBuilder"/> from <c>services.AddOpenTelemetry()</c>.</param>
    /// <param name="configure">Sets options in code; it runs after configuration and environment variables, so it wins over them.</param>
    /// <returns>The same builder, to chain calls.</returns>
    public static IOpenTelemetryBuilder WithHatchetWorkerMetrics(
        this IOpenTelemetryBuilder builder,
        Action<HatchetWorkerMetricsOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HatchetWorkerMetricsOptions>, HatchetWorkerMetricsConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HatchetWorkerMetricsOptions>, HatchetWorkerMetricsOptionsValidator>());
        services.AddOptions<HatchetWorkerMetricsOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(service => service.ServiceType == typeof(HatchetWorkerHealth)))
        {
            return builder;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new HatchetWorkerHealth(
            provider.GetService<ILogger<HatchetWorkerHealth>>(),
            () => provider.GetRequiredService<IOptions<HatchetWorkerMetricsOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<HatchetWorkerMeter>();
        services.AddSingleton<TaskRunInstruments>();
        services.AddSingleton(provider => new HatchetDispatcherInterceptor(
            provider.GetRequiredService<HatchetWorkerHealth>(),
            provider.GetRequiredService<TaskRunInstruments>(),
            provider.GetService<ILogger<HatchetDispatcherInterceptor>>(),
            provider.GetService<IOptions<HatchetInstrumentationOptions>>()?.Value));
        services.AddSingleton<HealthcheckServer>();
        services.AddHostedService<HostLifecycleSignal>();
        services.AddHostedService<ThreadPoolStarvationMonitor>();
        services.AddHostedService<TaskRunStartMonitor>();
        services.AddHostedService<HealthChecksSignal>();
        services.AddHostedService(provider => provider.GetRequiredService<HealthcheckServer>());
        services.AddMetrics(metrics => metrics.EnableMetrics(HatchetWorkerMeter.MeterName, instrumentName: null, OpenTelemetryListenerName, MeterScope.Local));
        services.AddOptions<PrometheusHttpListenerOptions>(ExporterOptionsName)
            .Configure<HealthcheckServer>((exporter, server) => exporter.ConfigureHttpListener = (_, listener) => server.AttachExporterListener(listener));

        // The exporter is always added; it binds nothing until HealthcheckServer gives it a prefix, which it
        // does only when the healthcheck is enabled. Its options are named so that an application's own
        // AddPrometheusHttpListener keeps its own.
        builder.WithMetrics(metrics => metrics
            .AddInstrumentation(provider => provider.GetRequiredService<HatchetWorkerMeter>())
            .AddRuntimeInstrumentation()
            .AddPrometheusHttpListener(ExporterOptionsName, static _ => { }));
        HatchetOtlpExporter.AddTo(services);

        return builder;
    }
}
