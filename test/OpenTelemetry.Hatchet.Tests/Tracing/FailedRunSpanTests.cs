using System.Diagnostics;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// A failed run's span as the Python SDK's instrumentor leaves it (<c>record_exception(result)</c> then
/// <c>set_status(ERROR, str(result))</c>, instrumentor.py lines 516-518 at upstream 89d130f): an <c>exception</c> event
/// and the exception's message as the description, read from the FAILED event the worker sends on the wire.
/// </summary>
public sealed class FailedRunSpanTests
{
    [Fact]
    public async Task Run_failed_by_a_python_formatted_payload_gets_the_exception_event_and_its_message_as_description()
    {
        const string Trace = "Traceback (most recent call last):\n  File \"/app/tasks.py\", line 12, in charge\n    raise ValueError(\"card declined\")\nValueError: card declined\n";

        var span = await FailedRunSpanAsync("ValueError: card declined\n" + Trace + "\n\n{\"__hatchet_error_metadata__\": {\"task_run_external_id\": \"run-1\"}}");

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("card declined");
        ExceptionEvent(span).Should().Equal(
            new KeyValuePair<string, object?>("exception.type", "ValueError"),
            new KeyValuePair<string, object?>("exception.message", "card declined"),
            new KeyValuePair<string, object?>("exception.stacktrace", Trace));
    }

    [Fact]
    public async Task Run_failed_by_a_dotnet_exception_gets_the_exception_event_and_its_message_as_description()
    {
        string payload;
        try
        {
            throw new InvalidOperationException("card declined");
        }
        catch (InvalidOperationException exception)
        {
            payload = exception.ToString();
        }

        var span = await FailedRunSpanAsync(payload);

        span.StatusDescription.Should().Be("card declined");
        ExceptionEvent(span).Should().Equal(
            new KeyValuePair<string, object?>("exception.type", "System.InvalidOperationException"),
            new KeyValuePair<string, object?>("exception.message", "card declined"),
            new KeyValuePair<string, object?>("exception.stacktrace", payload));
    }

    [Fact]
    public async Task Run_failed_by_a_payload_in_neither_form_is_described_by_its_first_line_and_has_the_payload_as_message()
    {
        var span = await FailedRunSpanAsync("card declined\nby the issuing bank");

        span.StatusDescription.Should().Be("card declined");
        ExceptionEvent(span).Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, object?>("exception.message", "card declined\nby the issuing bank"));
    }

    [Fact]
    public async Task Run_failed_without_a_payload_is_described_as_failed_and_has_no_exception_event()
    {
        var span = await FailedRunSpanAsync(string.Empty);

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("failed");
        span.Events.Should().NotContain(e => e.Name == "exception");
    }

    private static IEnumerable<KeyValuePair<string, object?>> ExceptionEvent(Activity span)
        => span.Events.Should().ContainSingle(e => e.Name == "exception").Subject.Tags;

    private static async Task<Activity> FailedRunSpanAsync(string payload)
    {
        await using var worker = await TracedWorker.StartAsync();
        var run = TracedWorker.NewRun();
        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");
        await worker.SendAsync(run, StepActionEventType.StepEventTypeStarted);
        await worker.SendAsync(run, StepActionEventType.StepEventTypeFailed, payload);
        return await worker.Spans.SingleAsync(run.TaskRunExternalId);
    }
}
