using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Exporters;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace OpenTelemetry.Hatchet.Resources;

/// <summary>
/// Gives the MeterProvider's resource a <c>service.name</c> when nothing else names the service: the
/// <see cref="HatchetWorkerMetricsOptions.WorkerName"/> option, else the host's application name, else the
/// entry assembly's name, instead of OpenTelemetry's <c>unknown_service:PROCESS</c>.
/// </summary>
/// <remarks>
/// The resource is fixed when the MeterProvider is built, before worker code can call
/// <see cref="HatchetWorkerHealth.Describe"/>, so the name given there cannot be used. The name is added
/// before every other step that configures the MeterProvider, so that an application's own
/// <c>AddService</c> wins wherever it is called; it is not added when <c>OTEL_SERVICE_NAME</c>, or a
/// <c>service.name</c> in <c>OTEL_RESOURCE_ATTRIBUTES</c>, names the service, which OpenTelemetry's own
/// resource detector then applies.
/// </remarks>
internal static class WorkerServiceName
{
    private const string ServiceNameAttribute = "service.name";

    public static void Register(IServiceCollection services)
    {
        var count = services.Count;
        services.ConfigureOpenTelemetryMeterProvider((_, metrics) => metrics.ConfigureResource(
            resource => resource.AddDetector(provider => new Detector(Resolve(provider)))));

        // The step is one registration at the end of the collection; the MeterProvider applies such steps in
        // the collection's order, so moving it to the front makes it the first.
        if (services.Count == count + 1)
        {
            var step = services[count];
            services.RemoveAt(count);
            services.Insert(0, step);
        }
    }

    /// <summary>Returns the fallback name, or <see langword="null"/> when the OpenTelemetry variables name the service.</summary>
    internal static string? Resolve(IServiceProvider provider)
    {
        var configuration = provider.GetService<IConfiguration>();
        if (Named(configuration?[OtlpEnvironmentVariables.ServiceName]) is not null || NamesService(configuration?[OtlpEnvironmentVariables.ResourceAttributes]))
        {
            return null;
        }

        return Named(provider.GetService<IOptions<HatchetWorkerMetricsOptions>>()?.Value.WorkerName)
            ?? Named(provider.GetService<IHostEnvironment>()?.ApplicationName)
            ?? Named(Assembly.GetEntryAssembly()?.GetName().Name);
    }

    private static string? Named(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    // OTEL_RESOURCE_ATTRIBUTES is a comma-separated list of key=value pairs.
    private static bool NamesService(string? attributes)
        => attributes is not null && attributes.Split(',').Any(pair => pair.Split('=', 2)[0].Trim() == ServiceNameAttribute);

    private sealed class Detector(string? name) : IResourceDetector
    {
        public Resource Detect() => name is null ? Resource.Empty : new Resource([new KeyValuePair<string, object>(ServiceNameAttribute, name)]);
    }
}
