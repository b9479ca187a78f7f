using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Exporters;

/// <summary>The log lines about OTLP export. The exporter itself reports failed exports only through its EventSource.</summary>
internal static partial class OtlpLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Hatchet worker metrics also go by OTLP ({Protocol}) to {Endpoint} (from {EndpointSetting})")]
    public static partial void Exporting(ILogger logger, string protocol, Uri endpoint, string endpointSetting);
}
