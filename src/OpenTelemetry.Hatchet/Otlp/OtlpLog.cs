using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Otlp;

/// <summary>The log line about OTLP export. The exporter itself reports failed exports only through its EventSource.</summary>
/// <remarks>
/// Defined with <see cref="LoggerMessage.Define{T1, T2, T3}(LogLevel, EventId, string)"/> rather than the
/// <c>[LoggerMessage]</c> generator: with a second class of generated messages beside <c>Log</c>, the
/// generator wrote the two classes in either order from one build to the next (seen here in the embedded
/// generated source of the PDB), which made the build nondeterministic.
/// </remarks>
internal static class OtlpLog
{
    private static readonly Action<ILogger, string, Uri, string, Exception?> ExportingMessage = LoggerMessage.Define<string, Uri, string>(
        LogLevel.Information,
        new EventId(20, nameof(Exporting)),
        "Hatchet worker metrics also go by OTLP ({Protocol}) to {Endpoint} (from {EndpointSetting})");

    public static void Exporting(ILogger logger, string protocol, Uri endpoint, string endpointSetting)
        => ExportingMessage(logger, protocol, endpoint, endpointSetting, null);
}
