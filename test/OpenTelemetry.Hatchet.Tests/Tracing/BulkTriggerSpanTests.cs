using System.Diagnostics;
using Grpc.Core;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// <c>/WorkflowService/BulkTriggerWorkflow</c>, the call the Python SDK's <c>run_workflows</c> makes, traced as
/// <c>_wrap_run_workflows</c> (instrumentor.py lines 1072-1106 at 89d130f) and <c>_enhanced_workflow_run_configs</c>
/// (lines 819-876) trace it: one <c>hatchet.run_workflows</c> span, and with <c>IndividualRunSpansForBulkRun</c> one
/// <c>hatchet.run_workflow</c> span for each run, which that run's traceparent then names.
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class BulkTriggerSpanTests
{
    [Fact]
    public async Task Bulk_trigger_is_one_producer_span_named_run_workflows_counting_its_runs_and_names()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Workflows.BulkTriggerWorkflowAsync(Bulk("orders", "invoices", "orders"), cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.run_workflows");
        span.Kind.Should().Be(ActivityKind.Producer);

        // Lines 1093-1099: json.dumps of a Python set falls back to str(set), so the names are one JSON string.
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.num_workflows", 3),
            Tag("hatchet.unique_workflow_names", "\"{'orders', 'invoices'}\""));
    }

    [Fact]
    public async Task Without_run_spans_every_run_carries_the_bulk_spans_traceparent()
    {
        await using var client = await TracedClient.StartAsync();
        var request = Bulk("orders", "invoices");
        request.Workflows[1].AdditionalMetadata = """{"customer":"c-2"}""";

        await client.Workflows.BulkTriggerWorkflowAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        // Line 860: with no span of its own, each run's traceparent is the current span's, the bulk one's.
        var span = await client.SpanAsync();
        client.Engine.Single<BulkTriggerWorkflowRequest>().Workflows.Select(run => run.AdditionalMetadata).Should().Equal(
            $$"""{"traceparent":"{{TraceParentOf(span)}}"}""",
            $$"""{"traceparent":"{{TraceParentOf(span)}}","customer":"c-2"}""");
    }

    [Fact]
    public async Task With_run_spans_each_run_has_a_run_workflow_span_under_the_bulk_span()
    {
        await using var client = await TracedClient.StartAsync(options => options.IndividualRunSpansForBulkRun = true);
        var request = Bulk("orders", "invoices");
        request.Workflows[0].Input = """{"id":1}""";
        request.Workflows[1].Priority = 3;

        await client.Workflows.BulkTriggerWorkflowAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        var spans = await client.SpansAsync(3);
        var bulk = spans.Should().ContainSingle(span => span.OperationName == "hatchet.run_workflows").Subject;
        var runs = spans.Where(span => span.OperationName == "hatchet.run_workflow").ToList();
        runs.Should().HaveCount(2).And.AllSatisfy(run =>
        {
            run.Kind.Should().Be(ActivityKind.Producer);
            run.TraceId.Should().Be(bulk.TraceId);
            run.ParentSpanId.Should().Be(bulk.SpanId, "each run's span is the bulk span's child, none another run's (lines 844-851)");
        });

        // _build_run_workflow_attributes (lines 788-817), the same attributes as a single trigger's.
        runs[0].TagObjects.Should().Equal(Tag("instrumentor", "hatchet"), Tag("hatchet.workflow_name", "orders"), Tag("hatchet.payload", """{"id":1}"""));
        runs[1].TagObjects.Should().Equal(Tag("instrumentor", "hatchet"), Tag("hatchet.workflow_name", "invoices"), Tag("hatchet.priority", 3));
    }

    [Fact]
    public async Task With_run_spans_each_run_carries_its_own_spans_traceparent()
    {
        await using var client = await TracedClient.StartAsync(options => options.IndividualRunSpansForBulkRun = true);

        await client.Workflows.BulkTriggerWorkflowAsync(Bulk("orders", "invoices"), cancellationToken: TestContext.Current.CancellationToken);

        var spans = await client.SpansAsync(3);
        var received = client.Engine.Single<BulkTriggerWorkflowRequest>().Workflows;
        foreach (var run in received)
        {
            var span = spans.Should().ContainSingle(span => span.OperationName == "hatchet.run_workflow" && (string?)span.GetTagItem("hatchet.workflow_name") == run.Name).Subject;
            run.AdditionalMetadata.Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}"}""");
        }
    }

    [Fact]
    public async Task The_run_spans_end_before_the_bulk_span()
    {
        await using var client = await TracedClient.StartAsync(options => options.IndividualRunSpansForBulkRun = true);

        await client.Workflows.BulkTriggerWorkflowAsync(Bulk("orders", "invoices"), cancellationToken: TestContext.Current.CancellationToken);

        // The runs' context manager is entered inside the bulk span's, so it exits first (lines 1090-1105).
        (await client.SpansAsync(3)).Select(span => span.OperationName).Should().Equal("hatchet.run_workflow", "hatchet.run_workflow", "hatchet.run_workflows");
    }

    [Fact]
    public async Task A_refused_bulk_trigger_fails_every_run_span_and_the_bulk_span()
    {
        await using var client = await TracedClient.StartAsync(options => options.IndividualRunSpansForBulkRun = true);
        client.Engine.Refusal = new Grpc.Core.Status(StatusCode.AlreadyExists, "idempotency key collision");

        var trigger = async () => await client.Workflows.BulkTriggerWorkflowAsync(Bulk("orders", "invoices"), cancellationToken: TestContext.Current.CancellationToken);

        (await trigger.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.AlreadyExists);

        // Lines 869-873 for the runs: record_exception and set_status(ERROR); the bulk span's with block does the same.
        (await client.SpansAsync(3)).Should().AllSatisfy(span =>
        {
            span.Status.Should().Be(ActivityStatusCode.Error);
            span.StatusDescription.Should().Be("ALREADY_EXISTS: idempotency key collision");
            span.Events.Should().ContainSingle(e => e.Name == "exception");
        });
    }

    [Fact]
    public async Task A_run_whose_metadata_is_not_an_object_keeps_it_and_the_others_carry_the_traceparent()
    {
        await using var client = await TracedClient.StartAsync();
        var request = Bulk("orders", "invoices");
        request.Workflows[0].AdditionalMetadata = "[1,2]";

        await client.Workflows.BulkTriggerWorkflowAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.Engine.Single<BulkTriggerWorkflowRequest>().Workflows.Select(run => run.AdditionalMetadata)
            .Should().Equal("[1,2]", $$"""{"traceparent":"{{TraceParentOf(span)}}"}""");
    }

    [Fact]
    public async Task The_callers_bulk_request_and_its_runs_are_not_changed()
    {
        await using var client = await TracedClient.StartAsync(options => options.IndividualRunSpansForBulkRun = true);
        var request = Bulk("orders", "invoices");
        var first = request.Workflows[0];
        var asSent = request.Clone();

        await client.Workflows.BulkTriggerWorkflowAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        request.Should().Be(asSent);
        request.Workflows[0].Should().BeSameAs(first);
        first.HasAdditionalMetadata.Should().BeFalse();
    }

    private static BulkTriggerWorkflowRequest Bulk(params string[] names)
        => new() { Workflows = { names.Select(name => new V1.TriggerWorkflowRequest { Name = name }) } };
}
