using System.Diagnostics;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// <c>/EventsService/Push</c>, the call the Python SDK's <c>EventClient.push</c> makes, traced as <c>_wrap_push_event</c>
/// traces it (instrumentor.py lines 543-615 at 89d130f).
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class PushEventSpanTests
{
    [Fact]
    public async Task Push_is_a_producer_span_named_push_event_with_pythons_attributes_in_pythons_order()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Events.PushAsync(
            new PushEventRequest { Key = "order.created", Payload = """{"id":1}""", AdditionalMetadata = """{"source":"shop"}""", Priority = 3, Scope = "tenant-a" },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.push_event");
        span.Kind.Should().Be(ActivityKind.Producer);

        // Lines 581-589, filtered by 594-602.
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.event_key", "order.created"),
            Tag("hatchet.payload", """{"id":1}"""),
            Tag("hatchet.additional_metadata", """{"source":"shop"}"""),
            Tag("hatchet.priority", 3),
            Tag("hatchet.scope", "tenant-a"));
    }

    [Fact]
    public async Task The_event_carries_the_spans_traceparent_and_its_other_metadata()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Events.PushAsync(
            new PushEventRequest { Key = "order.created", Payload = "{}", AdditionalMetadata = """{"source":"shop","hatchet__source_step_run_id":"s-1"}""" },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.Engine.Single<PushEventRequest>().AdditionalMetadata
            .Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}","source":"shop","hatchet__source_step_run_id":"s-1"}""");
    }

    [Fact]
    public async Task A_blocking_push_has_ended_its_span_when_it_returns()
    {
        await using var client = await TracedClient.StartAsync();

        client.Events.Push(new PushEventRequest { Key = "order.created" }, cancellationToken: TestContext.Current.CancellationToken);

        var span = client.Exported().Should().ContainSingle().Subject;
        span.OperationName.Should().Be("hatchet.push_event");
        client.Engine.Single<PushEventRequest>().AdditionalMetadata.Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}"}""");
    }
}
