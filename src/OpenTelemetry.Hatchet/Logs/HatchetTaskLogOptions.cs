namespace OpenTelemetry.Hatchet;

/// <summary>
/// How <c>AddHatchetTaskLogs()</c> forwards the log records a task run writes to the Hatchet engine
/// (<c>EventsService/PutLog</c>), so that they show beside the run in the Hatchet dashboard. The engine is the one the
/// spans are sent to (<see cref="HatchetInstrumentationOptions.EnableHatchetCollector"/> or
/// <see cref="HatchetInstrumentationOptions.HatchetEngineAddress"/>): the same address, TLS and token.
/// </summary>
public sealed class HatchetTaskLogOptions
{
    /// <summary>
    /// Gets or sets how many records may wait to be sent. A record written when the queue is full is dropped and
    /// counted (<c>hatchet.task_logs.dropped</c>), never waited for. Default 2048; at least 1.
    /// </summary>
    public int QueueSize { get; set; } = 2048;

    /// <summary>
    /// Gets or sets how long one <c>PutLog</c> call may take before it is given up and its record dropped, so that an
    /// engine that does not answer holds the queue no longer than this. Default 10 seconds; more than zero.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long the host's stop waits for the queued records to be sent; what is left then is dropped
    /// and counted. Default 5 seconds, as the Python SDK's <c>AsyncLogSender.stop</c>; more than zero.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the first wait after a call that failed (the engine down, slow or erring); it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    internal TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between failed calls.</summary>
    internal TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long nothing is sent after the engine answered <c>UNIMPLEMENTED</c>: an engine without <c>PutLog</c> is not asked for every record.</summary>
    internal TimeSpan UnimplementedPause { get; set; } = TimeSpan.FromMinutes(5);
}
