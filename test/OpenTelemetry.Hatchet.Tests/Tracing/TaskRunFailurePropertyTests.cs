using CsCheck;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Properties of reading a FAILED event's payload that hold for any text: it comes over the network from whatever the
/// worker sent, so no text may throw or leave a failed run's span without a description, and what the SDKs write is
/// read back as they wrote it (CsCheck; a failure prints the shrunk input and the seed that replays it).
/// </summary>
public sealed class TaskRunFailurePropertyTests
{
    // Pieces that steer text towards the forms' edges: their separators, markers and line ends.
    private static readonly Gen<string> Piece = Gen.Frequency(
        (3, Gen.OneOf(
            "\n", "\r\n", "\r", " ", ": ", ":::", "\\", "\\\n", "Traceback (most recent call last):", "  + Exception Group Traceback (most recent call last):",
            " ---> ", "   at ", "   --- End of inner exception stack trace ---", "System.", "Exception", "ValueError", "Shop.Declined`1[System.Int32]", "+",
            "{\"__hatchet_error_metadata__\": {\"task_run_external_id\": \"r\"}}", "{\"__hatchet_error_metadata__\": 1}", "{", "\u2028", "\u00a0", "\0")),
        (2, Gen.String[0, 6]),
        (1, Gen.Char.Select(character => character.ToString())));

    private static readonly Gen<string> Payload = Piece.Array[1, 12].Select(pieces => string.Concat(pieces)).Where(text => text.Length > 0);

    private static readonly Gen<string> PythonType = Gen.Select(
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"],
        Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789"], 0, 12],
        (first, rest) => first + rest);

    // A message as an exception may carry: several lines, colons, backslashes. Left out: a line that is a traceback's
    // first line, a .NET marker at a line's start, a backslash just before the end, and carriage returns, where the
    // forms are ambiguous by design.
    private static readonly Gen<string> Message = Gen.Frequency(
        (3, Gen.OneOf("a", "card declined", "x: y", "C:\\path", "line\nline", "ends with newline\n", "\n", "  ", "é ✓", "tab\there", "a\\\nb")),
        (2, Gen.String[0, 20]))
        .Array[1, 3].Select(parts => string.Concat(parts))
        .Where(message => !message.Contains('\r') && !message.EndsWith('\\') && !message.Split('\n').Any(line => line.Trim().EndsWith("Traceback (most recent call last):", StringComparison.Ordinal) || line.StartsWith(' ')));

    [Fact]
    public void Any_payload_is_read_without_throwing_into_a_description_that_is_not_blank()
    {
        Payload.Sample(payload =>
        {
            var failure = TaskRunFailure.Read(payload);

            failure.Should().NotBeNull();
            failure!.Description.Should().NotBeNullOrWhiteSpace("{0} was failed with", payload);
            failure.Message.Should().NotBeNull();
            failure.Event().Tags.Should().Contain(tag => tag.Key == "exception.message");
        }, iter: 50_000);
    }

    [Fact]
    public void Any_payload_in_neither_form_is_described_by_a_line_of_it()
    {
        Payload.Sample(payload =>
        {
            var failure = TaskRunFailure.Read(payload)!;

            if (failure.Type is null)
            {
                (failure.Description == "failed" || payload.Contains(failure.Description, StringComparison.Ordinal)).Should().BeTrue("{0} describes {1}", failure.Description, payload);
                failure.Description.Should().NotContainAny("\n", "\r");
            }
        }, iter: 50_000);
    }

    [Fact]
    public void Any_exception_the_python_sdk_writes_is_read_back_as_raised()
    {
        Gen.Select(PythonType, Message, Gen.Bool, Gen.Bool).Sample((type, message, chained, metadata) =>
        {
            var trace = (chained ? $"Traceback (most recent call last):\n  File \"a.py\", line 1, in f\nKeyError: 'k'\n\nDuring handling of the above exception, another exception occurred:\n\n" : string.Empty)
                + $"Traceback (most recent call last):\n  File \"task.py\", line 7, in run\n    raise {type}(...)\n{type}: {message}\n";
            var payload = PythonPayload(type, message, trace, metadata);

            var failure = TaskRunFailure.Read(payload);

            failure.Should().Be(new TaskRunFailure(type, message, trace, string.IsNullOrWhiteSpace(message) ? type : message), "{0} was sent", payload);
        }, iter: 20_000);
    }

    [Fact]
    public void Any_dotnet_exception_is_read_back_by_its_type_and_message()
    {
        Gen.Select(Message, Gen.Int[0, 3], Gen.Bool).Sample((message, kind, inner) =>
        {
            var thrown = Thrown(message, kind, inner);
            var payload = thrown.ToString();

            var failure = TaskRunFailure.Read(payload);

            failure.Should().Be(new TaskRunFailure(thrown.GetType().FullName, message, payload, string.IsNullOrWhiteSpace(message) ? thrown.GetType().FullName! : message), "{0} was sent", payload);
        }, iter: 5_000);
    }

    // TaskRunError.serialize (exceptions.py lines 78-101): the type's ": " as ":::", the message's newlines escaped, the
    // header alone when the message is empty, and the metadata line after a blank line.
    private static string PythonPayload(string type, string message, string trace, bool metadata)
    {
        var exception = message.Replace("\n", "\\\n", StringComparison.Ordinal);
        var header = exception.Length > 0 ? $"{type.Replace(": ", ":::", StringComparison.Ordinal)}: {exception}" : type;
        var result = $"{header}\n{trace}";
        return metadata ? result + "\n\n{\"__hatchet_error_metadata__\": {\"task_run_external_id\": \"run-1\"}}" : result;
    }

    private static Exception Thrown(string message, int kind, bool inner)
    {
        var cause = inner ? new FormatException("inner\nof two lines") : null;
        try
        {
            throw kind switch
            {
                0 => new InvalidOperationException(message, cause),
                1 => new ArgumentException(message, cause),
                2 => new TimeoutException(message, cause),
                _ => new HttpRequestException(message, cause),
            };
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
