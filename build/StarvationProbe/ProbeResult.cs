using System.Diagnostics;
using System.Globalization;

namespace StarvationProbe;

/// <summary>What one probe of one path saw: an HTTP answer, a timeout, or a connection error.</summary>
/// <param name="Path">The path asked for.</param>
/// <param name="SentAt">When the connection was opened, as a <see cref="Stopwatch"/> timestamp.</param>
/// <param name="EndedAt">When the answer was complete or the probe gave up, as a <see cref="Stopwatch"/> timestamp.</param>
/// <param name="StatusCode">The HTTP status code, or null when no answer came.</param>
/// <param name="BodyStatus">What the body says about the worker (see <see cref="BlockingHttpProbe"/>), or null.</param>
/// <param name="Failure">"timeout", or the socket error that ended the probe; null when it was answered.</param>
internal sealed record ProbeResult(string Path, long SentAt, long EndedAt, int? StatusCode, string? BodyStatus, string? Failure)
{
    public const string Timeout = "timeout";

    public bool Answered => this.StatusCode is not null;

    public bool TimedOut => this.Failure == Timeout;

    public double LatencyMilliseconds => Stopwatch.GetElapsedTime(this.SentAt, this.EndedAt).TotalMilliseconds;

    /// <summary>Gets the outcome as a reader compares it: "200 HEALTHY", "503 UNHEALTHY", "504", "timeout".</summary>
    public string Outcome => this.StatusCode is { } code
        ? (this.BodyStatus is null ? code.ToString(CultureInfo.InvariantCulture) : $"{code.ToString(CultureInfo.InvariantCulture)} {this.BodyStatus}")
        : this.Failure ?? "?";
}
