using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry.Hatchet.Metrics;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// A failed run's error, read from the payload of the worker's <c>FAILED</c> event, so that the run's span gets what
/// the Python SDK's instrumentor gives it from the exception itself: an <c>exception</c> event
/// (<c>span.record_exception(result)</c>) and a short description (<c>span.set_status(ERROR, str(result))</c>),
/// instrumentor.py lines 516-518 at upstream 89d130f.
/// </summary>
/// <param name="Type">The exception's type, or <see langword="null"/> when the payload does not name one.</param>
/// <param name="Message">The exception's message; the whole payload when it follows no SDK's form.</param>
/// <param name="StackTrace">What the SDK writes as <c>exception.stacktrace</c>, or <see langword="null"/>.</param>
/// <param name="Description">The span's status description: never empty.</param>
/// <remarks>
/// The payload comes over the network and may be anything: it is read in one of two forms, and any other text is
/// described by its first line that is not blank. Reading it never throws.
/// <list type="bullet">
/// <item>The Python SDK's (<c>TaskRunError.serialize</c>, <c>sdks/python/hatchet_sdk/exceptions.py</c> lines 78-101,
/// sent by <c>worker/runner/runner.py</c> lines 291-299): <c>{type}: {message}</c> with the type's <c>": "</c> written
/// <c>":::"</c> and each newline of the message written as a backslash and a newline, then the traceback
/// (<c>traceback.format_exception</c>, which begins <c>Traceback (most recent call last):</c>), then a blank line and
/// a line of JSON naming the run (<c>__hatchet_error_metadata__</c>).</item>
/// <item>.NET's <c>Exception.ToString()</c>, the usual payload of a .NET worker: <c>{full type name}: {message}</c>,
/// the message running until an inner exception (<c> ---> </c>) or a stack frame (<c>   at </c>) begins a line. It is
/// taken as such when the type is a dotted name and either ends in <c>Exception</c> or a frame or inner exception
/// follows; its <c>exception.stacktrace</c> is the whole text, as OpenTelemetry .NET records an exception's.</item>
/// </list>
/// </remarks>
internal sealed record TaskRunFailure(string? Type, string Message, string? StackTrace, string Description)
{
    /// <summary>The name of the event, as OpenTelemetry's semantic conventions and Python's <c>record_exception</c> name it.</summary>
    public const string EventName = "exception";

    private const string PythonTraceback = "Traceback (most recent call last):";
    private const string PythonGroupTraceback = "+ Exception Group " + PythonTraceback;
    private const string PythonMetadataKey = "__hatchet_error_metadata__";

    // What begins the first line after a .NET exception's message: an inner exception, a frame, the inner's end.
    private static readonly string[] DotNetAfterMessage = [" ---> ", "   at ", "   --- End of "];

    /// <summary>The failure a payload describes, or <see langword="null"/> for an empty one.</summary>
    public static TaskRunFailure? Read(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return null;
        }

        var withoutMetadata = WithoutPythonMetadata(payload);
        return Python(withoutMetadata) ?? DotNet(payload) ?? Neither(withoutMetadata.Length > 0 ? withoutMetadata : payload);
    }

    /// <summary>The <c>exception</c> event, with the attributes the payload gives.</summary>
    public ActivityEvent Event()
    {
        var tags = new ActivityTagsCollection();
        if (!string.IsNullOrEmpty(this.Type))
        {
            tags["exception.type"] = this.Type;
        }

        tags["exception.message"] = this.Message;
        if (!string.IsNullOrEmpty(this.StackTrace))
        {
            tags["exception.stacktrace"] = this.StackTrace;
        }

        return new ActivityEvent(EventName, tags: tags);
    }

    // Python's TaskRunError._extract_metadata: a last line that is a JSON object naming the run is not the error's
    // (exceptions.py lines 103-121). serialize put it after "\n\n" (line 98): without them, the traceback ends as
    // traceback.format_exception ended it; other text before it is stripped, as _extract_metadata strips it.
    private static string WithoutPythonMetadata(string payload)
    {
        var lastLine = payload.LastIndexOf('\n') + 1;
        if (lastLine == 0 || !IsPythonMetadata(payload.AsSpan(lastLine)))
        {
            return payload;
        }

        var before = payload[..lastLine];
        return before.EndsWith("\n\n", StringComparison.Ordinal) ? before[..^2] : before.Trim();
    }

    private static bool IsPythonMetadata(ReadOnlySpan<char> line)
    {
        if (!line.TrimStart().StartsWith("{", StringComparison.Ordinal) || line.IndexOf(PythonMetadataKey, StringComparison.Ordinal) < 0)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line.ToString());
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(PythonMetadataKey, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The header is every line before the traceback; each of its newlines but the last is an escaped one of the message.
    private static TaskRunFailure? Python(string text)
    {
        var newline = text.IndexOf('\n');
        while (newline > 0)
        {
            var next = text.IndexOf('\n', newline + 1);
            var line = text.AsSpan(newline + 1, (next < 0 ? text.Length : next) - newline - 1).Trim();
            if (line.SequenceEqual(PythonTraceback) || line.SequenceEqual(PythonGroupTraceback))
            {
                return PythonHeader(text[..newline], text[(newline + 1)..]);
            }

            if (text[newline - 1] != '\\')
            {
                return null;
            }

            newline = next;
        }

        return null;
    }

    // TaskRunError.deserialize (exceptions.py lines 131-168): the type before the first ": ", the message after it.
    private static TaskRunFailure? PythonHeader(string header, string trace)
    {
        var separator = header.IndexOf(": ", StringComparison.Ordinal);
        var type = separator < 0 ? header : header[..separator];
        if (string.IsNullOrWhiteSpace(type) || type.Contains('\n', StringComparison.Ordinal))
        {
            return null;
        }

        type = type.Replace(":::", ": ", StringComparison.Ordinal);
        var message = separator < 0 ? string.Empty : header[(separator + 2)..].Replace("\\\n", "\n", StringComparison.Ordinal);
        return new TaskRunFailure(type, message, trace, string.IsNullOrWhiteSpace(message) ? type : message);
    }

    private static TaskRunFailure? DotNet(string text)
    {
        var firstEnd = text.IndexOf('\n');
        var first = text.AsSpan(0, firstEnd < 0 ? text.Length : firstEnd).TrimEnd('\r');
        var separator = first.IndexOf(": ", StringComparison.Ordinal);
        var type = separator < 0 ? first : first[..separator];
        if (!IsDotNetTypeName(type))
        {
            return null;
        }

        var messageEnd = firstEnd < 0 ? text.Length : DotNetMessageEnd(text, firstEnd);
        if (messageEnd == text.Length && !type.EndsWith("Exception", StringComparison.Ordinal))
        {
            return null;
        }

        var message = separator < 0 ? string.Empty : text[(separator + 2)..messageEnd].TrimEnd('\r');
        var typeName = type.ToString();
        return new TaskRunFailure(typeName, message, text, string.IsNullOrWhiteSpace(message) ? typeName : message);
    }

    // Where the message ends: the newline before the first line that begins an inner exception or a frame, or the end.
    private static int DotNetMessageEnd(string text, int newline)
    {
        while (newline >= 0)
        {
            foreach (var marker in DotNetAfterMessage)
            {
                if (text.AsSpan(newline + 1).StartsWith(marker, StringComparison.Ordinal))
                {
                    return newline;
                }
            }

            newline = text.IndexOf('\n', newline + 1);
        }

        return text.Length;
    }

    // A type's full name as Type.ToString() writes it: dotted identifiers, with + for a nested type and `1[...] for a
    // generic one.
    private static bool IsDotNetTypeName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsLetter(name[0]) || name[0] == '_') || name[^1] == '.' || !name.Contains('.'))
        {
            return false;
        }

        foreach (var character in name)
        {
            if (!char.IsLetterOrDigit(character) && character is not ('_' or '.' or '+' or '`' or '[' or ']' or ','))
            {
                return false;
            }
        }

        return true;
    }

    // Text in neither form: its first line that is not blank describes it, and the whole is the message.
    private static TaskRunFailure Neither(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.IsWhiteSpace())
            {
                return new TaskRunFailure(null, text, null, line.Trim().ToString());
            }
        }

        return new TaskRunFailure(null, text, null, TaskRunOutcome.Failed);
    }
}
