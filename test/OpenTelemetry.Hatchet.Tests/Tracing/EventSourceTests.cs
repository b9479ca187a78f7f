using System.Diagnostics;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// An event pushed from inside a task run names the run in its metadata, as the Python SDK's push wrappers do
/// (<c>_inject_source_info</c>, instrumentor.py lines 610-612 and 651-655, <c>clients/events.py</c> lines 50-65 at
/// upstream 89d130f): <c>hatchet__source_workflow_run_id</c> and <c>hatchet__source_step_run_id</c>, which the engine
/// reads to nest the event's spans under the run (<c>parseSourceInfo</c>, <c>engine_spans.go</c> lines 110-136).
/// A worker's run and a client's push, each through its own interceptor, in one process as in one application.
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class EventSourceTests
{
    [Fact]
    public async Task Push_made_inside_a_run_names_the_run_after_the_traceparent_and_replaces_source_keys_it_had()
    {
        await using var worker = await TracedWorker.StartAsync();
        await using var client = await TracedClient.StartAsync();
        var run = await AssignedAsync(worker);

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            await client.Events.PushAsync(
                new PushEventRequest { Key = "order.charged", AdditionalMetadata = """{"source":"shop","hatchet__source_step_run_id":"s-1"}""" },
                cancellationToken: TestContext.Current.CancellationToken);
        }

        var push = await PushSpanAsync(client);
        client.Engine.Single<PushEventRequest>().AdditionalMetadata.Should().Be(
            $$"""{"traceparent":"{{TraceParentOf(push)}}","hatchet__source_workflow_run_id":"workflow-run-1","source":"shop","hatchet__source_step_run_id":"{{run.TaskRunExternalId}}"}""");
    }

    [Fact]
    public async Task Every_event_of_a_bulk_push_made_under_a_span_of_the_run_names_the_run()
    {
        using var source = new ActivitySource($"App.{Guid.NewGuid():N}");
        using var listener = RecordedSpans.Of(source);
        await using var worker = await TracedWorker.StartAsync();
        await using var client = await TracedClient.StartAsync();
        var run = await AssignedAsync(worker);

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        using (source.StartActivity("notify"))
        {
            await client.Events.BulkPushAsync(
                new BulkPushEventRequest { Events = { new PushEventRequest { Key = "a" }, new PushEventRequest { Key = "b", AdditionalMetadata = """{"n":1}""" } } },
                cancellationToken: TestContext.Current.CancellationToken);
        }

        var bulk = await PushSpanAsync(client, "hatchet.bulk_push_event");
        var names = $$"""
            "hatchet__source_workflow_run_id":"workflow-run-1","hatchet__source_step_run_id":"{{run.TaskRunExternalId}}"
            """;
        client.Engine.Single<BulkPushEventRequest>().Events.Select(pushed => pushed.AdditionalMetadata).Should().Equal(
            $$"""{"traceparent":"{{TraceParentOf(bulk)}}",{{names}}}""",
            $$"""{"traceparent":"{{TraceParentOf(bulk)}}",{{names}},"n":1}""");
    }

    [Fact]
    public async Task Push_made_after_leaving_the_run_and_a_trigger_made_inside_it_name_no_run()
    {
        await using var worker = await TracedWorker.StartAsync();
        await using var client = await TracedClient.StartAsync();
        var run = await AssignedAsync(worker);

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            // Python's trigger wrappers add no source keys (instrumentor.py lines 878-936).
            await client.Workflows.TriggerWorkflowAsync(new V1.TriggerWorkflowRequest { Name = "refund" }, cancellationToken: TestContext.Current.CancellationToken);
        }

        await client.Events.PushAsync(new PushEventRequest { Key = "order.charged" }, cancellationToken: TestContext.Current.CancellationToken);

        await Eventually.Until(() => client.Engine.Received.Count == 2, "both calls to arrive");
        client.Engine.Received.OfType<V1.TriggerWorkflowRequest>().Single().AdditionalMetadata.Should().NotContain("hatchet__source");
        client.Engine.Received.OfType<PushEventRequest>().Single().AdditionalMetadata.Should().NotContain("hatchet__source");
    }

    [Fact]
    public async Task Push_made_inside_a_run_without_a_workflow_run_id_names_no_run_as_python_names_none()
    {
        await using var worker = await TracedWorker.StartAsync();
        await using var client = await TracedClient.StartAsync();
        var run = TracedWorker.NewRun();
        run.WorkflowRunId = string.Empty;
        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");

        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            await client.Events.PushAsync(new PushEventRequest { Key = "order.charged" }, cancellationToken: TestContext.Current.CancellationToken);
        }

        var push = await PushSpanAsync(client);
        push.ParentSpanId.Should().NotBe(default(ActivitySpanId), "the push was made inside the run");
        client.Engine.Single<PushEventRequest>().AdditionalMetadata.Should().Be($$"""{"traceparent":"{{TraceParentOf(push)}}"}""");
    }

    private static async Task<AssignedAction> AssignedAsync(TracedWorker worker)
    {
        var run = TracedWorker.NewRun();
        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");
        return run;
    }

    private static async Task<Activity> PushSpanAsync(TracedClient client, string name = "hatchet.push_event")
    {
        await Eventually.Until(() => client.Exported().Any(span => span.OperationName == name), $"the {name} span to end");
        return client.Exported().Single(span => span.OperationName == name);
    }

}
