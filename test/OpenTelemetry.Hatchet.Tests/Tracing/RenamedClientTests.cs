using System.Diagnostics;
using Google.Protobuf;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;
using Renamed = Elsewhere.Generated.HatchetTriggers;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Clients a user generated with names of their own (Renamed/renamed_triggers.proto): calls are recognised by their
/// method name and requests read and written by field number, so they are traced as the engine's own protos' are;
/// a request that does not match the contract where the traceparent goes is sent as it came.
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class RenamedClientTests
{
    [Fact]
    public async Task A_renamed_trigger_gets_the_same_span_and_traceparent()
    {
        await using var client = await TracedClient.StartAsync();
        var workflows = new Renamed.WorkflowService.WorkflowServiceClient(client.Invoker);

        await workflows.TriggerWorkflowAsync(
            new Renamed.RunOrder { What = "orders", Data = """{"id":1}""", Extra = """{"customer":"c-1"}""", Urgency = 2 },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.run_workflow");
        span.Kind.Should().Be(ActivityKind.Producer);
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.workflow_name", "orders"),
            Tag("hatchet.payload", """{"id":1}"""),
            Tag("hatchet.additional_metadata", """{"customer":"c-1"}"""),
            Tag("hatchet.priority", 2));
        client.Engine.Single<V1.TriggerWorkflowRequest>().AdditionalMetadata.Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}","customer":"c-1"}""");
    }

    [Fact]
    public async Task A_renamed_push_gets_the_same_span_and_traceparent()
    {
        await using var client = await TracedClient.StartAsync();
        var events = new Renamed.EventsService.EventsServiceClient(client.Invoker);

        await events.PushAsync(new Renamed.News { Topic = "order.created", Body = """{"id":1}""" }, cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.push_event");
        span.TagObjects.Should().Equal(Tag("instrumentor", "hatchet"), Tag("hatchet.event_key", "order.created"), Tag("hatchet.payload", """{"id":1}"""));
        client.Engine.Single<PushEventRequest>().AdditionalMetadata.Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}"}""");
    }

    [Fact]
    public async Task A_request_with_a_number_where_the_metadata_goes_is_sent_as_it_came_and_still_has_its_span()
    {
        await using var client = await TracedClient.StartAsync();
        var workflows = new Renamed.WorkflowService.WorkflowServiceClient(client.Invoker);
        var sent = new Renamed.OddBulkOrder { Runs = { new Renamed.OddRun { What = "orders", Extra = 7 } } };

        await workflows.BulkTriggerWorkflowAsync(sent, cancellationToken: TestContext.Current.CancellationToken);

        client.Engine.Single<BulkTriggerWorkflowRequest>().ToByteString().Should().Equal(sent.ToByteString());
        (await client.SpanAsync()).OperationName.Should().Be("hatchet.run_workflows");
    }
}
