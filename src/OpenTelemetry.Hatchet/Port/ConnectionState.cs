namespace OpenTelemetry.Hatchet.Port;

/// <summary>Where a connection is in its life.</summary>
internal enum ConnectionState
{
    /// <summary>Waiting for a request head; the event loop polls it.</summary>
    Reading,

    /// <summary>A scrape waiting for the exporter's answer; the event loop only watches for its client hanging up.</summary>
    Relaying,

    /// <summary>Answered and shut for sending; read and discarded until the client closes, so it sees the answer.</summary>
    Draining,

    Closed,
}
