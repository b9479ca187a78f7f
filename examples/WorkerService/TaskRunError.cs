using System.Text.Json;

namespace WorkerService;

/// <summary>
/// The error of a failed run, as the <c>FAILED</c> event carries it to the engine (and the dashboard shows it), written
/// as the Python SDK writes its own (<c>TaskRunError.serialize</c>, <c>sdks/python/hatchet_sdk/exceptions.py</c> lines
/// 79-102 at upstream 89d130f, from the exception as <c>from_exception</c> lines 158-167 reads it): a header
/// <c>{type}: {message}</c>, the type's <c>": "</c> written <c>":::"</c> and each newline of the message written as a
/// backslash and a newline; the trace on the next line; then a blank line and a line of JSON naming the run.
/// </summary>
/// <remarks>
/// Python's type is the class's name and its trace <c>traceback.format_exception</c>; here the type is the one
/// <see cref="Exception.ToString"/> begins with (the full name) and the trace the rest of that text (the inner
/// exceptions and the stack), so that the payload reads as both forms: Python's <c>TaskRunError.deserialize</c> splits
/// the header at its first <c>": "</c> (lines 131-168), and a reader of .NET's <see cref="Exception.ToString"/> finds it.
/// </remarks>
internal static class TaskRunError
{
    // exceptions.py line 57: the key of the metadata line.
    private const string MetadataKey = "__hatchet_error_metadata__";

    /// <summary>The payload of the run's FAILED event, the run named in the metadata line, as runner.py lines 291-299 send it.</summary>
    public static string Serialize(Exception exception, string taskRunExternalId)
    {
        var result = Serialize(exception);

        // exceptions.py lines 88-100: nothing for an empty error; else the metadata as json.dumps writes it (", " and ": ").
        return result.Length == 0
            ? result
            : $"{result}\n\n{{\"{MetadataKey}\": {{\"task_run_external_id\": \"{JsonEncodedText.Encode(taskRunExternalId)}\"}}}}";
    }

    /// <summary>The error without the metadata line (<c>serialize(include_metadata=False)</c>), as runner.py lines 309-311 log it.</summary>
    public static string Serialize(Exception exception)
    {
        var type = exception.GetType().ToString();
        var message = exception.Message;
        var text = exception.ToString();
        var printed = message.Length > 0 ? $"{type}: {message}" : type;
        var trace = text.StartsWith(printed, StringComparison.Ordinal) ? text[printed.Length..].TrimStart('\r', '\n') : text;

        // exceptions.py lines 80-87.
        var escapedType = type.Replace(": ", ":::", StringComparison.Ordinal);
        var escapedMessage = message.Replace("\n", "\\\n", StringComparison.Ordinal);
        var header = escapedType.Length > 0 && escapedMessage.Length > 0 ? $"{escapedType}: {escapedMessage}" : escapedType + escapedMessage;
        return header.Length > 0 && trace.Length > 0 ? $"{header}\n{trace}" : header + trace;
    }
}
