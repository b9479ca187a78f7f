using System.Diagnostics;
using Grpc.Core;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// A traced call the engine refuses: the caller gets the engine's answer as it came, and the span ends failed, as
/// Python's <c>start_as_current_span</c> ends one an exception leaves (the exception recorded, status ERROR).
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class FailedCallTests
{
    [Fact]
    public async Task A_refused_async_trigger_reaches_the_caller_and_ends_its_span_with_error()
    {
        await using var client = await TracedClient.StartAsync();
        client.Engine.Refusal = new Grpc.Core.Status(StatusCode.NotFound, "workflow orders not found");

        var trigger = async () => await client.Workflows.TriggerWorkflowAsync(new V1.TriggerWorkflowRequest { Name = "orders" }, cancellationToken: TestContext.Current.CancellationToken);

        var refused = (await trigger.Should().ThrowAsync<RpcException>()).Which;
        refused.StatusCode.Should().Be(StatusCode.NotFound);
        refused.Status.Detail.Should().Be("workflow orders not found");
        var span = await client.SpanAsync();
        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("NOT_FOUND: workflow orders not found");
        span.Events.Should().ContainSingle().Which.Tags.Should().Contain(new KeyValuePair<string, object?>("exception.type", typeof(RpcException).FullName));
    }

    [Fact]
    public async Task A_refused_blocking_push_reaches_the_caller_and_has_ended_its_span_with_error()
    {
        await using var client = await TracedClient.StartAsync();
        client.Engine.Refusal = new Grpc.Core.Status(StatusCode.InvalidArgument, "payload too large");

        var push = () => client.Events.Push(new PushEventRequest { Key = "order.created" }, cancellationToken: TestContext.Current.CancellationToken);

        push.Should().Throw<RpcException>().Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
        var span = client.Exported().Should().ContainSingle().Subject;
        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("INVALID_ARGUMENT: payload too large");
        span.Events.Should().ContainSingle(e => e.Name == "exception");
    }

    [Fact]
    public async Task A_call_that_cannot_reach_the_engine_fails_as_it_would_untraced_and_ends_its_span()
    {
        await using var client = await TracedClient.StartAsync();
        await client.Engine.DisposeAsync();

        var schedule = async () => await client.Workflows.ScheduleWorkflowAsync(new ScheduleWorkflowRequest { Name = "reports" }, cancellationToken: TestContext.Current.CancellationToken);

        (await schedule.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unavailable);
        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.schedule_workflow");
        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().StartWith("UNAVAILABLE");
    }

    [Fact]
    public async Task A_successful_call_ends_its_span_with_no_status()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Events.PushAsync(new PushEventRequest { Key = "order.created" }, cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.Status.Should().Be(ActivityStatusCode.Unset);
        span.Events.Should().BeEmpty();
        span.Duration.Should().BePositive();
    }
}
