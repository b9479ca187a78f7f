namespace OpenTelemetry.Hatchet.Scrape;

/// <summary>What <see cref="WaitingScrapes.Watch"/> found.</summary>
internal enum Watched
{
    /// <summary>Still waiting for the exporter.</summary>
    Waiting,

    /// <summary>The client hung up; the scrape is dropped and the caller closes the connection.</summary>
    Gone,

    /// <summary>The relay has answered; the caller reads the connection again.</summary>
    Answered,
}
