using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>
/// Listens to the OTLP exporter's EventSource, where it reports exports that failed (it writes nothing to
/// the application's log). The listener sees every exporter in the process; tests look for their own
/// endpoint in the events.
/// </summary>
internal sealed class ExporterEvents : EventListener
{
    private const string SourceName = "OpenTelemetry-Exporter-OpenTelemetryProtocol";

    private readonly ConcurrentQueue<string> events = new();

    public IEnumerable<string> Events => this.events;

    public bool Mentions(string text) => this.events.Any(line => line.Contains(text, StringComparison.Ordinal));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == SourceName)
        {
            this.EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
        => this.events.Enqueue($"{eventData.EventName}: {string.Join(" | ", eventData.Payload ?? [])}");
}
