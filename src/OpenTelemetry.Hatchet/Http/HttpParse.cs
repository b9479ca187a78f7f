namespace OpenTelemetry.Hatchet.Http;

/// <summary>The outcome of reading a request head.</summary>
internal enum HttpParse
{
    Complete = 0,
    Incomplete = 1,
    BadRequest = 400,
    VersionNotSupported = 505,
}
