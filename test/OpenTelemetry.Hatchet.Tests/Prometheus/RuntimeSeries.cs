using System.Diagnostics.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// The runtime's series whose Prometheus names depend on the application's OpenTelemetry line (docs/operations.md,
/// "The newest OpenTelemetry"): OpenTelemetry 1.21 brings System.Diagnostics.DiagnosticSource 11, whose System.Runtime
/// meter declares the thread pool's queue length and thread count as up-down counters, which the Prometheus exporter
/// writes as gauges without <c>_total</c>; .NET 10's own assembly declares them counters.
/// </summary>
internal static class RuntimeSeries
{
    /// <summary>Each series under the OpenTelemetry the package declares, and under the newest.</summary>
    public static IReadOnlyDictionary<string, string> NewestLineNames { get; } = new Dictionary<string, string>
    {
        ["dotnet_thread_pool_queue_length_total"] = "dotnet_thread_pool_queue_length",
        ["dotnet_thread_pool_thread_count_total"] = "dotnet_thread_pool_thread_count",
    };

    /// <summary>Whether this test run has the System.Diagnostics.DiagnosticSource that OpenTelemetry 1.21 brings.</summary>
    public static bool OnNewestLine { get; } = typeof(Meter).Assembly.GetName().Version!.Major >= 11;

    /// <summary>The name the same series has on the other line, or null for a series both lines name alike.</summary>
    public static string? OtherLineName(string name)
        => NewestLineNames.TryGetValue(name, out var newest) ? newest
            : NewestLineNames.FirstOrDefault(pair => pair.Value == name).Key;
}
