using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>The task-log forwarder's log lines (their ids from 101, clear of the package's others).</summary>
/// <remarks>
/// A class of its own, not a second part of <see cref="Hatchet.Log"/>: the logging generator writes a class split
/// across files in an order that differs between builds, and the package is built deterministically.
/// </remarks>
internal static partial class TaskLogsLog
{
    /// <summary>The category of the forwarder's own lines, which it never forwards, so that it cannot feed itself.</summary>
    public const string TaskLogsCategory = "OpenTelemetry.Hatchet.TaskLogs";

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Hatchet task logs are being dropped ({Reason}: {Detail}); the task runs are not affected, and this is said once until a log reaches the engine again")]
    public static partial void TaskLogsDropped(ILogger logger, string reason, string detail);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Hatchet task logs reach the engine again; {Count} were dropped meanwhile")]
    public static partial void TaskLogsDelivered(ILogger logger, long count);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "A Hatchet task log of {Length} characters was cut to 10,000, as the Python SDK cuts them (said once)")]
    public static partial void TaskLogTruncated(ILogger logger, int length);
}
