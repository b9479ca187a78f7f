using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Trace;

/// <summary>Extension methods to trace Hatchet task runs and the calls that trigger them.</summary>
public static class HatchetInstrumentationTracerProviderBuilderExtensions
{
    /// <summary>
    /// Asks for the spans <see cref="HatchetDispatcherInterceptor"/> makes: one per task run the worker is given,
    /// joined to the trace that triggered it, and one per run triggered or event pushed through an intercepted client,
    /// whose <c>traceparent</c> the run's <c>additional_metadata</c> then carries. Named as the Python SDK's
    /// instrumentor names them, so that a trace crosses Python and .NET services.
    /// </summary>
    /// <param name="builder">The <see cref="TracerProviderBuilder"/> being configured.</param>
    /// <returns>The same builder, to chain calls.</returns>
    public static TracerProviderBuilder AddHatchetInstrumentation(this TracerProviderBuilder builder)
        => AddHatchetInstrumentation(builder, configure: null);

    /// <summary>
    /// Asks for the spans <see cref="HatchetDispatcherInterceptor"/> makes, with options set in code; see
    /// <see cref="AddHatchetInstrumentation(TracerProviderBuilder)"/>.
    /// </summary>
    /// <param name="builder">The <see cref="TracerProviderBuilder"/> being configured.</param>
    /// <param name="configure">Sets options in code; it runs after the <c>HATCHET_CLIENT_OPENTELEMETRY_*</c> variables, so it wins over them.</param>
    /// <returns>The same builder, to chain calls.</returns>
    public static TracerProviderBuilder AddHatchetInstrumentation(this TracerProviderBuilder builder, Action<HatchetInstrumentationOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services =>
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HatchetInstrumentationOptions>, HatchetInstrumentationConfiguration>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HatchetInstrumentationOptions>, HatchetInstrumentationOptionsValidator>());
            services.AddOptions<HatchetInstrumentationOptions>().ValidateOnStart();
            if (configure is not null)
            {
                services.Configure(configure);
            }
        });

        HatchetEngineExport.AddTo(builder);
        return builder.AddSource(HatchetActivitySource.Name);
    }
}
