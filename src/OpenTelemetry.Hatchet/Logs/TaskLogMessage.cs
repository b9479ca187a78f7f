using OpenTelemetry.Logs;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// The text of a <c>PutLog</c> request: the record as the Python SDK's handler formats it (<c>self.format(record)</c>
/// in <c>LogForwardingHandler.emit</c>, <c>worker/runner/utils/capture_logs.py</c> line 170 at upstream 89d130f),
/// that is the message, and the exception after it on the next line as Python's <c>Formatter.format</c> adds the
/// traceback; cut at 10,000 characters as <c>EventClient.log</c> cuts it (<c>clients/events.py</c> lines 373-375).
/// </summary>
internal static class TaskLogMessage
{
    public const int MaxLength = 10_000;

    public static string Of(LogRecord record)
    {
        var message = record.FormattedMessage
            ?? (record.Body is { } body ? MessageTemplate.Format(body, record.Attributes) : string.Empty);
        return record.Exception is { } exception ? $"{message}\n{exception}" : message;
    }

    /// <summary>The message cut to <see cref="MaxLength"/> characters, never between the two halves of a surrogate pair.</summary>
    public static string Truncated(string message, out bool truncated)
    {
        truncated = message.Length > MaxLength;
        if (!truncated)
        {
            return message;
        }

        var length = char.IsHighSurrogate(message[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return message[..length];
    }
}
