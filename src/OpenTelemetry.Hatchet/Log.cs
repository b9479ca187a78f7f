using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet;

/// <summary>Every log line the package writes, source-generated so that none of them allocates when disabled.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Message = "Hatchet worker status changed from {Previous} to {Current}: {Reason}")]
    public static partial void StatusChanged(ILogger logger, LogLevel level, HatchetWorkerStatus previous, HatchetWorkerStatus current, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Hatchet worker healthcheck listening on {Address}:{Port} (/health and /metrics)")]
    public static partial void Listening(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Hatchet worker healthcheck could not listen on {Address}:{Port}: {Error}. The worker keeps running without its healthcheck; set FailStartupIfHealthcheckUnavailable to stop it instead")]
    public static partial void PortUnavailable(ILogger logger, string address, int port, string error, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Hatchet worker healthcheck stopped listening on {Address}:{Port}")]
    public static partial void Stopped(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Hatchet worker healthcheck could not answer a request")]
    public static partial void RequestFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Hatchet worker healthcheck hit an unexpected error and goes on serving")]
    public static partial void ServeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Hatchet worker healthcheck could not collect metrics for a scrape: {Error}")]
    public static partial void ScrapeFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Hatchet worker monitor hit an unexpected error and goes on measuring")]
    public static partial void MonitorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9, Message = "Hatchet dispatcher interceptor could not read a call; the call is not affected, and the status may lag behind it")]
    public static partial void InterceptorFailed(ILogger logger, LogLevel level, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Hatchet worker healthcheck answered a scrape without the Prometheus exporter, with the hatchet_worker_* families only: {Reason}")]
    public static partial void ScrapeAnsweredAlone(ILogger logger, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "{Count} Hatchet task run(s) have waited more than {Grace} s to start: the worker may be blocked (the Python SDK's \"waiting steps\" warning)")]
    public static partial void TaskRunsBlocked(ILogger logger, int count, double grace);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "No Hatchet task run waits more than its grace to start any more")]
    public static partial void TaskRunsUnblocked(ILogger logger);

    /// <summary>The category of the task-log forwarder's own lines, which it never forwards, so that it cannot feed itself.</summary>
    public const string TaskLogsCategory = "OpenTelemetry.Hatchet.TaskLogs";

    // The task-log forwarder's lines (ids from 101). They stay in this one class: the logging generator writes
    // several classes, or a class split across files, in an order that differs between builds, and the package is
    // built deterministically.
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Hatchet task logs are being dropped ({Reason}: {Detail}); the task runs are not affected, and this is said once until a log reaches the engine again")]
    public static partial void TaskLogsDropped(ILogger logger, string reason, string detail);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Hatchet task logs reach the engine again; {Count} were dropped meanwhile")]
    public static partial void TaskLogsDelivered(ILogger logger, long count);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "A Hatchet task log of {Length} characters was cut to 10,000, as the Python SDK cuts them (said once)")]
    public static partial void TaskLogTruncated(ILogger logger, int length);
}
