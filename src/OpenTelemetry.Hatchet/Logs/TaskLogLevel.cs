using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// The <c>level</c> of a <c>PutLog</c> request, as the Python SDK names a record's level: <c>LogLevel.from_levelname</c>
/// (<c>sdks/python/hatchet_sdk/utils/typing.py</c> lines 28-51 at upstream 89d130f) of the level's Python name.
/// </summary>
/// <remarks>
/// Python knows DEBUG, INFO, WARNING, ERROR and CRITICAL, and <c>from_levelname</c> keeps the first four (WARNING as
/// WARN) and falls back to INFO for any other: a Python <c>logger.critical</c> reaches the dashboard as INFO, and so
/// does a .NET <see cref="LogLevel.Critical"/> here. .NET's <see cref="LogLevel.Trace"/>, below Python's lowest level,
/// is DEBUG.
/// </remarks>
internal static class TaskLogLevel
{
    public const string Debug = "DEBUG";
    public const string Info = "INFO";
    public const string Warn = "WARN";
    public const string Error = "ERROR";

    public static string Of(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => Debug,
        LogLevel.Warning => Warn,
        LogLevel.Error => Error,
        _ => Info,
    };
}
