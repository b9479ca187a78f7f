using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// <c>/WorkflowService/ScheduleWorkflow</c>, the call the Python SDK's <c>schedule_workflow</c> makes, traced as
/// <c>_wrap_schedule_workflow</c> traces it (instrumentor.py lines 998-1070 at 89d130f).
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class ScheduleWorkflowSpanTests
{
    [Fact]
    public async Task Schedule_is_a_producer_span_named_schedule_workflow_with_pythons_attributes_in_pythons_order()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Workflows.ScheduleWorkflowAsync(
            new ScheduleWorkflowRequest
            {
                Name = "reports",
                Schedules =
                {
                    Timestamp.FromDateTime(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
                    Timestamp.FromDateTime(new DateTime(2025, 6, 7, 8, 9, 10, DateTimeKind.Utc).AddTicks(1_234_567)),
                },
                Input = """{"day":"monday"}""",
                ParentId = "parent-run",
                ParentTaskRunExternalId = "parent-task",
                ChildIndex = 4,
                ChildKey = "child-key",
                AdditionalMetadata = """{"team":"finance"}""",
                Priority = 1,
            },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.schedule_workflow");
        span.Kind.Should().Be(ActivityKind.Producer);

        // Lines 1031-1046, filtered by 1052-1058; run_at_timestamps is json.dumps([ts.isoformat() ...]) of UTC
        // datetimes, microseconds only when there are any.
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.workflow_name", "reports"),
            Tag("hatchet.run_at_timestamps", """["2025-01-02T03:04:05+00:00", "2025-06-07T08:09:10.123456+00:00"]"""),
            Tag("hatchet.payload", """{"day":"monday"}"""),
            Tag("hatchet.parent_id", "parent-run"),
            Tag("hatchet.parent_step_run_id", "parent-task"),
            Tag("hatchet.child_index", 4),
            Tag("hatchet.child_key", "child-key"),
            Tag("hatchet.additional_metadata", """{"team":"finance"}"""),
            Tag("hatchet.priority", 1));
    }

    [Fact]
    public async Task A_schedule_without_times_has_no_run_at_timestamps_as_python_drops_an_empty_list()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Workflows.ScheduleWorkflowAsync(new ScheduleWorkflowRequest { Name = "reports" }, cancellationToken: TestContext.Current.CancellationToken);

        (await client.SpanAsync()).TagObjects.Should().Equal(Tag("instrumentor", "hatchet"), Tag("hatchet.workflow_name", "reports"));
    }

    [Fact]
    public async Task The_scheduled_run_carries_the_spans_traceparent_and_its_other_metadata()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Workflows.ScheduleWorkflowAsync(
            new ScheduleWorkflowRequest { Name = "reports", AdditionalMetadata = """{"team":"finance"}""" },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.Engine.Single<ScheduleWorkflowRequest>().AdditionalMetadata.Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}","team":"finance"}""");
    }
}
