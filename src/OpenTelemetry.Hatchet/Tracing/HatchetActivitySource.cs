using System.Diagnostics;
using OpenTelemetry.Hatchet.Metrics;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The package's <see cref="ActivitySource"/>: every span it makes (task runs on the worker, triggers and events on
/// a client) comes from here, and nothing is made unless a listener, such as a TracerProvider given
/// <c>AddHatchetInstrumentation()</c>, has asked for it.
/// </summary>
internal static class HatchetActivitySource
{
    /// <summary>The source's name, the one a TracerProvider adds.</summary>
    public const string Name = "OpenTelemetry.Hatchet";

    /// <summary>The value of the <c>instrumentor</c> attribute the Python SDK's instrumentor puts on every span.</summary>
    public const string Instrumentor = "hatchet";

    public static ActivitySource Source { get; } = new(Name, HatchetWorkerMeter.Version);
}
