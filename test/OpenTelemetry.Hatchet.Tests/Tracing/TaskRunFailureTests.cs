using System.Runtime.CompilerServices;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// A FAILED event's payload read as the SDKs write it, into what Python's <c>record_exception</c> and
/// <c>set_status(ERROR, str(exc))</c> give a run's span (instrumentor.py lines 516-518 at upstream 89d130f).
/// </summary>
public sealed class TaskRunFailureTests
{
    // Printed by Python 3.11 from the steps of TaskRunError.from_exception and serialize(include_metadata=True)
    // (exceptions.py lines 78-101, 171-181), for `raise RuntimeError("charge failed") from inner` where inner is
    // ValueError("card declined\nfor amount 3").
    private const string PythonChainedTrace =
        "Traceback (most recent call last):\n  File \"/tmp/pyfail.py\", line 13, in <module>\n    charge(3)\n  File \"/tmp/pyfail.py\", line 10, in charge\n    raise ValueError(f\"card declined\\nfor amount {amount}\")\nValueError: card declined\nfor amount 3\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"/tmp/pyfail.py\", line 15, in <module>\n    raise RuntimeError(\"charge failed\") from inner\nRuntimeError: charge failed\n";

    private const string PythonChained = "RuntimeError: charge failed\n" + PythonChainedTrace + "\n\n{\"__hatchet_error_metadata__\": {\"task_run_external_id\": \"run-1\"}}";

    // The same for ValueError("card declined\nfor amount 3") raised alone: the message's newline is written "\\\n".
    private const string PythonMultiLineTrace =
        "Traceback (most recent call last):\n  File \"/tmp/pyfail.py\", line 19, in <module>\n    charge(3)\n  File \"/tmp/pyfail.py\", line 10, in charge\n    raise ValueError(f\"card declined\\nfor amount {amount}\")\nValueError: card declined\nfor amount 3\n";

    private const string PythonMultiLine = "ValueError: card declined\\\nfor amount 3\n" + PythonMultiLineTrace + "\n\n{\"__hatchet_error_metadata__\": {\"task_run_external_id\": \"run-1\"}}";

    // And for `raise KeyError()`: no message, so the header is the type alone.
    private const string PythonNoMessage = "KeyError\nTraceback (most recent call last):\n  File \"/tmp/pyfail.py\", line 23, in <module>\n    raise KeyError()\nKeyError\n\n\n{\"__hatchet_error_metadata__\": {\"task_run_external_id\": \"run-1\"}}";

    [Fact]
    public void Python_payload_gives_the_exceptions_type_message_and_traceback_and_the_message_as_description()
    {
        var failure = TaskRunFailure.Read(PythonChained);

        failure.Should().Be(new TaskRunFailure("RuntimeError", "charge failed", PythonChainedTrace, "charge failed"));
    }

    [Fact]
    public void Python_payload_with_a_message_of_several_lines_gives_the_message_as_python_raised_it()
    {
        var failure = TaskRunFailure.Read(PythonMultiLine);

        failure.Should().Be(new TaskRunFailure("ValueError", "card declined\nfor amount 3", PythonMultiLineTrace, "card declined\nfor amount 3"));
    }

    [Fact]
    public void Python_payload_without_a_message_is_described_by_its_type()
    {
        var failure = TaskRunFailure.Read(PythonNoMessage);

        failure!.Type.Should().Be("KeyError");
        failure.Message.Should().BeEmpty();
        failure.Description.Should().Be("KeyError");
        failure.StackTrace.Should().StartWith("Traceback (most recent call last):\n").And.EndWith("KeyError\n");
    }

    [Fact]
    public void Python_payload_whose_type_holds_a_colon_gives_it_back_as_written_before_escaping()
    {
        var failure = TaskRunFailure.Read("Odd:::Name: boom\nTraceback (most recent call last):\n  File \"x.py\", line 1\nOdd: Name: boom\n");

        failure!.Type.Should().Be("Odd: Name");
        failure.Message.Should().Be("boom");
    }

    [Fact]
    public void Python_payload_of_an_exception_group_is_read_by_its_group_traceback()
    {
        var trace = "  + Exception Group Traceback (most recent call last):\n  |   File \"x.py\", line 1\n  | ExceptionGroup: two (2 sub-exceptions)\n";

        var failure = TaskRunFailure.Read("ExceptionGroup: two (2 sub-exceptions)\n" + trace);

        failure.Should().Be(new TaskRunFailure("ExceptionGroup", "two (2 sub-exceptions)", trace, "two (2 sub-exceptions)"));
    }

    [Fact]
    public void Python_metadata_line_without_the_blank_line_before_it_is_still_left_out()
    {
        var failure = TaskRunFailure.Read("ValueError: boom\nTraceback (most recent call last):\nValueError: boom\n{\"__hatchet_error_metadata__\": {\"task_run_external_id\": null}}");

        failure!.StackTrace.Should().Be("Traceback (most recent call last):\nValueError: boom");
    }

    [Fact]
    public void DotNet_payload_gives_the_outer_exceptions_type_and_message_and_the_whole_text_as_its_stack_trace()
    {
        var payload = Thrown(() => Rethrown(() => throw new InvalidOperationException("card declined\nfor amount 3"), inner => new HttpRequestException("charge failed", inner)));

        var failure = TaskRunFailure.Read(payload);

        payload.Should().Contain(" ---> System.InvalidOperationException: card declined\nfor amount 3");
        failure.Should().Be(new TaskRunFailure("System.Net.Http.HttpRequestException", "charge failed", payload, "charge failed"));
    }

    [Fact]
    public void DotNet_payload_with_a_message_of_several_lines_gives_the_message_up_to_the_first_frame()
    {
        var payload = Thrown(() => throw new InvalidOperationException("card declined\nfor amount 3\n"));

        var failure = TaskRunFailure.Read(payload);

        failure.Should().Be(new TaskRunFailure("System.InvalidOperationException", "card declined\nfor amount 3\n", payload, "card declined\nfor amount 3\n"));
    }

    [Fact]
    public void DotNet_payload_with_windows_line_ends_leaves_them_out_of_the_message()
    {
        var failure = TaskRunFailure.Read("System.InvalidOperationException: card declined\r\n   at Shop.Charge() in C:\\shop\\Charge.cs:line 12\r\n");

        failure!.Message.Should().Be("card declined");
        failure.Type.Should().Be("System.InvalidOperationException");
    }

    [Fact]
    public void DotNet_payload_of_an_exception_never_thrown_is_read_by_its_type_name()
    {
        var failure = TaskRunFailure.Read(new TimeoutException("no answer").ToString());

        failure.Should().Be(new TaskRunFailure("System.TimeoutException", "no answer", "System.TimeoutException: no answer", "no answer"));
    }

    [Fact]
    public void DotNet_payload_without_a_message_is_described_by_its_type()
    {
        var payload = "Shop.Declined\n   at Shop.Charge()";

        TaskRunFailure.Read(payload).Should().Be(new TaskRunFailure("Shop.Declined", string.Empty, payload, "Shop.Declined"));
    }

    [Fact]
    public void DotNet_payload_of_a_nested_generic_type_is_read_by_its_name()
    {
        var failure = TaskRunFailure.Read("Shop.Errors+Declined`1[System.Int32]: over limit\n ---> System.Exception: inner");

        failure!.Type.Should().Be("Shop.Errors+Declined`1[System.Int32]");
        failure.Message.Should().Be("over limit");
    }

    [Theory]
    [InlineData("card declined", "card declined")]
    [InlineData("\n  \n  card declined  \nat the bank", "card declined")]
    [InlineData("error: timeout\ndetails", "error: timeout")]
    [InlineData("Shop.Status: declined", "Shop.Status: declined")]
    [InlineData("shop. Declined: no", "shop. Declined: no")]
    [InlineData("ValueError: boom\nnot a traceback", "ValueError: boom")]
    [InlineData("ValueError: boom\\\nTraceback (most recent call last)", "ValueError: boom\\")]
    [InlineData("\nTraceback (most recent call last):\nValueError", "Traceback (most recent call last):")]
    [InlineData("{\"__hatchet_error_metadata__\": {}}", "{\"__hatchet_error_metadata__\": {}}")]
    [InlineData("   ", "failed")]
    public void Payload_in_neither_form_is_described_by_its_first_line_that_is_not_blank_and_is_the_message(string payload, string description)
    {
        TaskRunFailure.Read(payload).Should().Be(new TaskRunFailure(null, payload, null, description));
    }

    [Fact]
    public void Python_metadata_after_text_in_neither_form_is_left_out_of_the_message()
    {
        TaskRunFailure.Read("card declined\n\n{\"__hatchet_error_metadata__\": {\"task_run_external_id\": \"run-1\"}}")
            .Should().Be(new TaskRunFailure(null, "card declined", null, "card declined"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Empty_payload_is_no_failure_to_describe(string? payload)
    {
        TaskRunFailure.Read(payload).Should().BeNull();
    }

    [Fact]
    public void Event_carries_the_exceptions_attributes_and_leaves_off_those_the_payload_does_not_give()
    {
        var python = new TaskRunFailure("ValueError", "boom", "Traceback", "boom").Event();
        var neither = new TaskRunFailure(null, "card declined", null, "card declined").Event();

        python.Name.Should().Be("exception");
        python.Tags.Should().Equal(
            new KeyValuePair<string, object?>("exception.type", "ValueError"),
            new KeyValuePair<string, object?>("exception.message", "boom"),
            new KeyValuePair<string, object?>("exception.stacktrace", "Traceback"));
        neither.Tags.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, object?>("exception.message", "card declined"));
    }

    // What a .NET worker sends: the exception's ToString() once it was thrown, so that it has its frames.
    private static string Thrown(Action fail)
    {
        try
        {
            fail();
        }
        catch (Exception exception)
        {
            return exception.ToString().ReplaceLineEndings("\n");
        }

        throw new InvalidOperationException("nothing was thrown");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Rethrown(Action fail, Func<Exception, Exception> wrap)
    {
        try
        {
            fail();
        }
        catch (Exception inner)
        {
            throw wrap(inner);
        }
    }
}
