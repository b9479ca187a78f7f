using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// <c>ExcludedAttributes</c> (<c>HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES</c>): the attributes Python filters
/// through <c>excluded_attributes</c> are left off; those it does not filter (a bulk call's own) are kept, as Python
/// keeps them.
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class ExcludedAttributesTests
{
    [Fact]
    public async Task Excluded_attributes_are_left_off_a_triggers_span()
    {
        await using var client = await TracedClient.StartAsync(Exclude("payload", "additional_metadata"));

        await client.Workflows.TriggerWorkflowAsync(
            new V1.TriggerWorkflowRequest { Name = "orders", Input = """{"card":"4111"}""", AdditionalMetadata = """{"customer":"c-1"}""", Priority = 2 },
            cancellationToken: TestContext.Current.CancellationToken);

        (await client.SpanAsync()).TagObjects.Should().Equal(Tag("instrumentor", "hatchet"), Tag("hatchet.workflow_name", "orders"), Tag("hatchet.priority", 2));
    }

    [Fact]
    public async Task Excluded_attributes_are_left_off_an_events_span()
    {
        await using var client = await TracedClient.StartAsync(Exclude("event_key", "scope", "priority"));

        await client.Events.PushAsync(new PushEventRequest { Key = "order.created", Payload = """{"id":1}""", Priority = 1, Scope = "tenant-a" }, cancellationToken: TestContext.Current.CancellationToken);

        (await client.SpanAsync()).TagObjects.Should().Equal(Tag("instrumentor", "hatchet"), Tag("hatchet.payload", """{"id":1}"""));
    }

    [Fact]
    public async Task Excluded_attributes_are_left_off_the_runs_spans_of_a_bulk_trigger()
    {
        await using var client = await TracedClient.StartAsync(options =>
        {
            options.IndividualRunSpansForBulkRun = true;
            options.ExcludedAttributes.Add("workflow_name");
        });

        await client.Workflows.BulkTriggerWorkflowAsync(
            new BulkTriggerWorkflowRequest { Workflows = { new V1.TriggerWorkflowRequest { Name = "orders", Priority = 1 } } },
            cancellationToken: TestContext.Current.CancellationToken);

        (await client.SpansAsync(2)).Single(span => span.OperationName == "hatchet.run_workflow")
            .TagObjects.Should().Equal(Tag("instrumentor", "hatchet"), Tag("hatchet.priority", 1));
    }

    [Fact]
    public async Task A_bulk_calls_own_attributes_are_kept_whatever_is_excluded_as_python_keeps_them()
    {
        await using var client = await TracedClient.StartAsync(Exclude("num_events", "unique_event_keys", "instrumentor"));

        await client.Events.BulkPushAsync(new BulkPushEventRequest { Events = { new PushEventRequest { Key = "order.created" } } }, cancellationToken: TestContext.Current.CancellationToken);

        // Lines 641-645 set them outside the filter the other spans' attributes go through.
        (await client.SpanAsync()).TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.num_events", 1),
            Tag("hatchet.unique_event_keys", "\"{'order.created'}\""));
    }

    private static Action<HatchetInstrumentationOptions> Exclude(params string[] names) => options =>
    {
        foreach (var name in names)
        {
            options.ExcludedAttributes.Add(name);
        }
    };
}
