using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Hatchet;
using OpenTelemetry.Hatchet.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Extension methods that put the Hatchet worker's status into ASP.NET Core health checks.
/// </summary>
public static class HatchetWorkerHealthChecksBuilderExtensions
{
    /// <summary>The name the worker's health check is registered under unless another is given.</summary>
    public const string DefaultName = "hatchet_worker";

    /// <summary>
    /// Adds a health check that reports the Hatchet worker's status: healthy when the worker is
    /// <see cref="HatchetWorkerStatus.Healthy"/>, else <paramref name="failureStatus"/>, with the status and
    /// its reason as the description. Needs <c>services.AddOpenTelemetry().WithHatchetWorkerMetrics()</c>:
    /// without it, the host fails to start with an error that says so.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name; default <c>hatchet_worker</c>.</param>
    /// <param name="failureStatus">What a worker that is not healthy reports; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags for filtering, for example <c>ready</c>.</param>
    /// <returns>The same builder, to chain calls.</returns>
    public static IHealthChecksBuilder AddHatchetWorker(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        builder.Services.Configure<HatchetWorkerHealthCheckNames>(names => names.Names.Add(name));

        // Checked when the host starts, not when the check first runs: a forgotten WithHatchetWorkerMetrics()
        // is a mistake in the code, which a deployment should not get past.
        builder.Services.AddOptions<HatchetWorkerHealthCheckNames>()
            .Validate<IServiceProviderIsService>(static (_, services) => services.IsService(typeof(HatchetWorkerHealth)), HatchetWorkerHealthCheck.Missing)
            .ValidateOnStart();
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new HatchetWorkerHealthCheck(provider.GetService<HatchetWorkerHealth>()),
            failureStatus,
            tags));
    }
}
