using System.Diagnostics;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// <c>/EventsService/BulkPush</c>, the call the Python SDK's <c>EventClient.bulk_push</c> makes, traced as
/// <c>_wrap_bulk_push_event</c> traces it (instrumentor.py lines 617-663 at 89d130f): one span, whose traceparent
/// every event carries.
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class BulkPushSpanTests
{
    [Fact]
    public async Task Bulk_push_is_one_producer_span_named_bulk_push_event_counting_its_events_and_keys()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Events.BulkPushAsync(Bulk("order.created", "order.paid", "order.created"), cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.bulk_push_event");
        span.Kind.Should().Be(ActivityKind.Producer);

        // Lines 641-645: json.dumps of a Python set falls back to str(set), so the keys are one JSON string.
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.num_events", 3),
            Tag("hatchet.unique_event_keys", "\"{'order.created', 'order.paid'}\""));
    }

    [Fact]
    public async Task Every_event_carries_the_bulk_spans_traceparent_and_its_own_metadata()
    {
        await using var client = await TracedClient.StartAsync();
        var request = Bulk("order.created", "order.paid");
        request.Events[1].AdditionalMetadata = """{"source":"shop"}""";

        await client.Events.BulkPushAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.Engine.Single<BulkPushEventRequest>().Events.Select(pushed => pushed.AdditionalMetadata).Should().Equal(
            $$"""{"traceparent":"{{TraceParentOf(span)}}"}""",
            $$"""{"traceparent":"{{TraceParentOf(span)}}","source":"shop"}""");
    }

    [Fact]
    public async Task Bulk_push_makes_no_span_for_each_event_even_when_bulk_triggers_make_one_for_each_run()
    {
        // individual_run_spans_for_bulk_run is read by _wrap_run_workflows alone (lines 1072-1106); _wrap_bulk_push_event
        // makes one span whatever it says.
        await using var client = await TracedClient.StartAsync(options => options.IndividualRunSpansForBulkRun = true);

        await client.Events.BulkPushAsync(Bulk("order.created", "order.paid"), cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.bulk_push_event");
        client.Engine.Single<BulkPushEventRequest>().Events.Select(pushed => pushed.AdditionalMetadata).Should().Equal(
            $$"""{"traceparent":"{{TraceParentOf(span)}}"}""",
            $$"""{"traceparent":"{{TraceParentOf(span)}}"}""");
    }

    [Fact]
    public async Task An_empty_bulk_push_is_a_span_of_no_events()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Events.BulkPushAsync(new BulkPushEventRequest(), cancellationToken: TestContext.Current.CancellationToken);

        // Python writes every value here, an empty set as str(set()) (lines 636-645).
        (await client.SpanAsync()).TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.num_events", 0),
            Tag("hatchet.unique_event_keys", "\"set()\""));
        client.Engine.Single<BulkPushEventRequest>().Events.Should().BeEmpty();
    }

    private static BulkPushEventRequest Bulk(params string[] keys)
        => new() { Events = { keys.Select(key => new PushEventRequest { Key = key, Payload = "{}" }) } };
}
