using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// A task run's span on the worker, read through the OpenTelemetry SDK's in-memory exporter, as the Python SDK's
/// instrumentor makes it (<c>_wrap_handle_start_step_run</c>, instrumentor.py lines 487-522 at upstream 89d130f;
/// attributes from <c>Action.get_otel_attributes</c>, action.py lines 112-144).
/// </summary>
public sealed class TaskRunSpanTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ParentSpanId = "b7ad6b7169203331";

    [Fact]
    public async Task Run_with_a_traceparent_in_its_metadata_gets_a_consumer_span_in_that_trace()
    {
        await using var worker = await TracedWorker.StartAsync();
        var run = TracedWorker.NewRun($$"""{"customer":"c-7","traceparent":"00-{{TraceId}}-{{ParentSpanId}}-01"}""");

        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");
        await worker.SendAsync(run, StepActionEventType.StepEventTypeStarted);
        await worker.SendAsync(run, StepActionEventType.StepEventTypeCompleted);
        var span = await worker.Spans.SingleAsync(run.TaskRunExternalId);

        span.Kind.Should().Be(ActivityKind.Consumer);
        span.TraceId.ToHexString().Should().Be(TraceId);
        span.ParentSpanId.ToHexString().Should().Be(ParentSpanId);
        span.HasRemoteParent.Should().BeTrue();
        span.Status.Should().Be(ActivityStatusCode.Unset);
        span.Events.Select(e => e.Name).Should().Equal("hatchet.step_run.started");
        span.Source.Name.Should().Be("OpenTelemetry.Hatchet");
    }

    [Fact]
    public async Task Run_span_carries_the_python_attributes_and_leaves_off_empty_ones()
    {
        await using var worker = await TracedWorker.StartAsync();
        var run = TracedWorker.NewRun();
        run.TaskName = string.Empty;
        run.ChildWorkflowIndex = 0;
        run.ChildWorkflowKey = "child-a";

        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");
        await worker.SendAsync(run, StepActionEventType.StepEventTypeCompleted);
        var span = await worker.Spans.SingleAsync(run.TaskRunExternalId);

        // In get_otel_attributes' order; the empty step name, child index 0 and every absent field left off, as Python
        // leaves off falsy values.
        span.TagObjects.Should().Equal(
            new KeyValuePair<string, object?>("hatchet.tenant_id", "tenant-1"),
            new KeyValuePair<string, object?>("hatchet.worker_id", worker.Worker.WorkerId),
            new KeyValuePair<string, object?>("hatchet.workflow_run_id", "workflow-run-1"),
            new KeyValuePair<string, object?>("hatchet.step_id", "task-1"),
            new KeyValuePair<string, object?>("hatchet.step_run_id", run.TaskRunExternalId),
            new KeyValuePair<string, object?>("hatchet.retry_count", 2),
            new KeyValuePair<string, object?>("hatchet.child_workflow_key", "child-a"),
            new KeyValuePair<string, object?>("hatchet.payload", """{"input":{"amount":3}}"""),
            new KeyValuePair<string, object?>("hatchet.workflow_name", "orders"),
            new KeyValuePair<string, object?>("hatchet.action_name", "orders:charge"),
            new KeyValuePair<string, object?>("instrumentor", "hatchet"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""["traceparent","00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"]""")]
    [InlineData("""{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"}""")]
    [InlineData("""{"traceparent":"not a traceparent"}""")]
    [InlineData("""{"traceparent":42}""")]
    [InlineData("""{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"} trailing""")]
    public async Task Run_whose_metadata_names_no_valid_parent_gets_a_root_span_and_is_counted_as_any_other(string? metadata)
    {
        await using var worker = await TracedWorker.StartAsync();
        var run = TracedWorker.NewRun(metadata);

        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");
        await worker.SendAsync(run, StepActionEventType.StepEventTypeCompleted);
        var span = await worker.Spans.SingleAsync(run.TaskRunExternalId);

        span.ParentSpanId.Should().Be(default(ActivitySpanId));
        span.TraceId.ToHexString().Should().NotBe(TraceId);
        worker.Host.Health.TaskRuns.Count.Should().Be(0, "the run ended as any other does");
    }

    [Fact]
    public async Task Failed_run_span_has_an_error_status_described_by_the_failure_the_worker_sent()
    {
        await using var worker = await TracedWorker.StartAsync();
        var run = TracedWorker.NewRun();

        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");
        await worker.SendAsync(run, StepActionEventType.StepEventTypeStarted);
        await worker.SendAsync(run, StepActionEventType.StepEventTypeFailed, "card declined");
        var span = await worker.Spans.SingleAsync(run.TaskRunExternalId);

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("card declined");
    }

    [Fact]
    public async Task Batch_member_that_failed_has_an_error_status_described_by_its_items_failure()
    {
        await using var worker = await TracedWorker.StartAsync();
        var member = $"run-{Guid.NewGuid():N}";

        worker.Dispatcher.AssignBatch($"batch-{Guid.NewGuid():N}", "orders:charge", member);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the batch to be assigned");
        await worker.Worker.Client.SendBatchActionEventAsync(
            new BatchActionEvent
            {
                WorkerId = worker.Worker.WorkerId,
                ActionId = "orders:charge",
                EventType = StepActionEventType.StepEventTypeFailed,
                Items = { new BatchActionEventItem { TaskRunExternalId = member, EventPayload = "batch declined" } },
            },
            cancellationToken: TestContext.Current.CancellationToken);
        var span = await worker.Spans.SingleAsync(member);

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("batch declined");
    }

    [Fact]
    public async Task Cancel_from_the_engine_ends_the_run_span_and_makes_a_cancel_span_of_its_own()
    {
        await using var worker = await TracedWorker.StartAsync();
        var run = TracedWorker.NewRun();

        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");
        worker.Dispatcher.Assign(new AssignedAction { TaskRunExternalId = run.TaskRunExternalId, ActionId = run.ActionId, ActionType = ActionType.CancelStepRun });
        var cancel = await worker.Spans.SingleAsync(run.TaskRunExternalId, "hatchet.cancel_step_run");
        var span = await worker.Spans.SingleAsync(run.TaskRunExternalId);

        cancel.Kind.Should().Be(ActivityKind.Consumer);
        cancel.TagObjects.Should().Equal(
            new KeyValuePair<string, object?>("instrumentor", "hatchet"),
            new KeyValuePair<string, object?>("hatchet.step_run_id", run.TaskRunExternalId));
        span.Status.Should().Be(ActivityStatusCode.Unset);
    }

    [Fact]
    public async Task Span_name_carries_the_action_when_the_python_variable_asks_for_it()
    {
        await using var worker = await TracedWorker.StartAsync(settings: new Dictionary<string, string?>
        {
            ["HATCHET_CLIENT_OPENTELEMETRY_INCLUDE_TASK_NAME_IN_START_STEP_RUN_SPAN_NAME"] = "true",
            ["HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES"] = """["payload","tenant_id"]""",
        });
        var run = TracedWorker.NewRun();

        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");
        await worker.SendAsync(run, StepActionEventType.StepEventTypeCompleted);
        var span = await worker.Spans.SingleAsync(run.TaskRunExternalId, "hatchet.start_step_run.orders:charge");

        span.TagObjects.Select(tag => tag.Key).Should().NotContain(["hatchet.payload", "hatchet.tenant_id"]).And.Contain("hatchet.step_run_id");
    }

    [Fact]
    public async Task Task_code_that_joins_the_run_trace_makes_its_spans_children_of_the_run_span()
    {
        using var source = new ActivitySource($"App.{Guid.NewGuid():N}");
        var appSpans = new ExportedSpans();
        using var appTracing = Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddInMemoryExporter(appSpans).Build();
        await using var worker = await TracedWorker.StartAsync();
        var run = TracedWorker.NewRun();
        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");

        Activity? inside, after;
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            using var charge = source.StartActivity("charge card");
            inside = charge;
        }

        after = Activity.Current;
        await worker.SendAsync(run, StepActionEventType.StepEventTypeCompleted);
        var span = await worker.Spans.SingleAsync(run.TaskRunExternalId);

        inside.Should().NotBeNull();
        inside!.TraceId.Should().Be(span.TraceId);
        inside.ParentSpanId.Should().Be(span.SpanId);
        after.Should().BeNull("leaving the joined scope puts back what the flow had");
    }

    [Fact]
    public async Task After_the_worker_registers_again_its_runs_carry_the_new_worker_id()
    {
        var spans = new ExportedSpans();
        await using var dispatcher = await TestDispatcher.StartAsync();
        await using var host = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddHatchetInstrumentation().AddInMemoryExporter(spans)));
        var interceptor = host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>();
        var first = TestWorker.Intercepted(dispatcher.Address, interceptor);
        await first.StartAsync();
        await Eventually.Until(() => dispatcher.OpenStreams > 0, "the worker to listen");
        var before = TracedWorker.NewRun();
        dispatcher.Assign(before);
        await Eventually.Until(() => host.Health.TaskRuns.Count > 0, "the first run to be assigned");
        await first.SendAsync(before.TaskRunExternalId, StepActionEventType.StepEventTypeCompleted);
        await first.DisposeAsync();
        await Eventually.Until(() => dispatcher.OpenStreams == 0, "the first session to end");

        // The same process registers again, as a worker does after a restart of its client, and is given a new id.
        await using var second = TestWorker.Intercepted(dispatcher.Address, interceptor);
        await second.StartAsync();
        await Eventually.Until(() => dispatcher.OpenStreams > 0, "the worker to listen again");
        var after = TracedWorker.NewRun();
        dispatcher.Assign(after);
        await Eventually.Until(() => host.Health.TaskRuns.Count > 0, "the second run to be assigned");
        await second.SendAsync(after.TaskRunExternalId, StepActionEventType.StepEventTypeCompleted);

        second.WorkerId.Should().NotBe(first.WorkerId);
        (await spans.SingleAsync(before.TaskRunExternalId)).GetTagItem("hatchet.worker_id").Should().Be(first.WorkerId);
        (await spans.SingleAsync(after.TaskRunExternalId)).GetTagItem("hatchet.worker_id").Should().Be(second.WorkerId);
    }

    [Fact]
    public async Task Run_assigned_again_before_its_first_assignment_ended_is_the_one_joined_and_the_one_its_failure_describes()
    {
        await using var worker = await TracedWorker.StartAsync();
        var run = TracedWorker.NewRun();
        worker.Dispatcher.Assign(run);
        await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the run to be assigned");

        // The engine hands the same run out again (a retry after it lost track of the first): the first ends, inferred.
        var again = run.Clone();
        again.RetryCount = 3;
        worker.Dispatcher.Assign(again);
        await Eventually.Until(() => worker.Spans.Of(run.TaskRunExternalId).Count == 1, "the first assignment's span to end");

        Activity? joined;
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
        {
            joined = Activity.Current;
        }

        await worker.SendAsync(run, StepActionEventType.StepEventTypeFailed, "card declined");
        await Eventually.Until(() => worker.Spans.Of(run.TaskRunExternalId).Count == 2, "the second assignment's span to end");
        var spans = worker.Spans.Of(run.TaskRunExternalId);
        var (firstSpan, secondSpan) = (spans.Single(span => Equals(span.GetTagItem("hatchet.retry_count"), 2)), spans.Single(span => Equals(span.GetTagItem("hatchet.retry_count"), 3)));

        joined.Should().BeSameAs(secondSpan);
        secondSpan.StatusDescription.Should().Be("card declined");
        firstSpan.StatusDescription.Should().NotBe("card declined");
        firstSpan.Events.Should().NotContain(e => e.Name == "exception");
    }

    [Fact]
    public void Joining_a_run_that_has_no_span_changes_nothing()
    {
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace($"run-{Guid.NewGuid():N}"))
        {
            Activity.Current.Should().BeNull();
        }
    }
}
