using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// A durable task's waits and spawns on the durable-task stream, traced as the Python SDK's instrumentor traces them
/// (<c>_wrap_aio_wait_for</c> and <c>_wrap_spawn_children_no_wait</c>, instrumentor.py lines 1143-1245 at upstream
/// 89d130f), against an engine-like stream that answers them as the engine does (<see cref="DurableTaskEngine"/>).
/// </summary>
public sealed class DurableTaskSpanTests
{
    [Fact]
    public async Task Durable_wait_is_an_internal_span_in_the_runs_metadata_trace_from_its_write_until_its_entry_is_satisfied()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);

        await durable.WriteAsync(WaitFor(durable.RunId));
        var ack = await durable.NextAsync();
        var waitingAfterItsAck = durable.Spans(SpanNames.WaitFor).Count;
        durable.Engine.Satisfy(ack.WaitForAck.Ref);
        (await durable.NextAsync()).EntryCompleted.Should().NotBeNull("the worker reads the completion as it came");
        var span = await durable.SingleAsync(SpanNames.WaitFor);

        waitingAfterItsAck.Should().Be(0, "the wait lasts until its entry is satisfied, not until its ack");
        span.Kind.Should().Be(ActivityKind.Internal);
        span.TraceId.ToHexString().Should().Be(durable.TraceId);
        span.ParentSpanId.ToHexString().Should().Be(durable.ParentSpanId, "Python's parent is the traceparent in the run's metadata");
        span.HasRemoteParent.Should().BeTrue("a parent read from a carrier is remote, as Python's extracted context is");
        span.Status.Should().Be(ActivityStatusCode.Unset);

        // A sleep, and an or_ group of two events: two conditions as Python counts its arguments.
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.signal_key", "sleep:10s, order:paid, order:cancelled"),
            Tag("hatchet.num_conditions", 2),
            Tag("hatchet.step_run_id", durable.RunId));
    }

    [Fact]
    public async Task Durable_wait_leaves_off_the_attributes_excluded_and_keeps_an_empty_key_and_no_condition_as_python_keeps_them()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true, options => options.ExcludedAttributes.Add("step_run_id"));
        var wait = WaitFor(durable.RunId);
        wait.WaitFor.WaitForConditions = new V1.DurableEventListenerConditions();

        await durable.WriteAsync(wait);
        durable.Engine.Satisfy((await durable.NextAsync()).WaitForAck.Ref);
        await durable.NextAsync();
        var span = await durable.SingleAsync(SpanNames.WaitFor);

        // Python drops only a None (instrumentor.py line 1170): the empty key and the count of none stay.
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.signal_key", string.Empty),
            Tag("hatchet.num_conditions", 0));
    }

    [Fact]
    public async Task Durable_wait_of_a_run_without_a_traceparent_is_a_child_of_the_runs_span_or_of_the_tasks_span_under_it()
    {
        await using var durable = await DurableWorker.StartAsync(traced: false);
        using var tracer = new ActivitySource("durable-task-tests");
        using var listener = RecordedSpans.Of(tracer);

        await durable.WriteAsync(WaitFor(durable.RunId));
        durable.Engine.Satisfy((await durable.NextAsync()).WaitForAck.Ref);
        await durable.NextAsync();
        Activity? tasks;
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(durable.RunId))
        using (tasks = tracer.StartActivity("the task's own work"))
        {
            await durable.WriteAsync(WaitFor(durable.RunId, invocation: 1, key: "sleep:1m"));
        }

        durable.Engine.Satisfy((await durable.NextAsync()).WaitForAck.Ref);
        await durable.NextAsync();
        using (tracer.StartActivity("a span of something else, outside the run's trace"))
        {
            await durable.WriteAsync(WaitFor(durable.RunId, invocation: 1, key: "sleep:1h"));
        }

        durable.Engine.Satisfy((await durable.NextAsync()).WaitForAck.Ref);
        await durable.NextAsync();
        await durable.CompleteRunAsync();
        var run = await durable.SingleAsync("hatchet.start_step_run");
        var waits = durable.Spans(SpanNames.WaitFor);

        waits.Should().HaveCount(3);
        waits.Single(span => Equals(span.GetTagItem("hatchet.signal_key"), "sleep:1h")).ParentSpanId.Should().Be(run.SpanId, "written under a span that is not the run's, the wait is under the run's span");
        waits.Single(span => Equals(span.GetTagItem("hatchet.signal_key"), "sleep:10s, order:paid, order:cancelled")).ParentSpanId.Should().Be(run.SpanId, "written outside the run's trace, the wait is under the run's span");
        waits.Single(span => Equals(span.GetTagItem("hatchet.signal_key"), "sleep:1m")).ParentSpanId.Should().Be(tasks!.SpanId, "written where the task's span is current, as Python's");
    }

    [Fact]
    public async Task Durable_wait_leaves_off_its_signal_key_and_condition_count_when_they_are_excluded()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true, options =>
        {
            options.ExcludedAttributes.Add("signal_key");
            options.ExcludedAttributes.Add("num_conditions");
        });

        await durable.WriteAsync(WaitFor(durable.RunId));
        durable.Engine.Satisfy((await durable.NextAsync()).WaitForAck.Ref);
        await durable.NextAsync();
        var span = await durable.SingleAsync(SpanNames.WaitFor);

        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.step_run_id", durable.RunId));
    }

    [Fact]
    public async Task Durable_wait_written_under_the_tasks_span_leaves_that_span_current_for_what_the_task_does_next()
    {
        await using var durable = await DurableWorker.StartAsync(traced: false);
        using var tracer = new ActivitySource("durable-task-tests");
        using var listener = RecordedSpans.Of(tracer);

        Activity? tasks;
        Activity? current;
        Activity? next;
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(durable.RunId))
        using (tasks = tracer.StartActivity("the task's own work"))
        {
            await durable.WriteAsync(WaitFor(durable.RunId));
            current = Activity.Current;
            using (next = tracer.StartActivity("the task's next step"))
            {
            }
        }

        durable.Engine.Satisfy((await durable.NextAsync()).WaitForAck.Ref);
        await durable.NextAsync();
        var wait = await durable.SingleAsync(SpanNames.WaitFor);

        wait.ParentSpanId.Should().Be(tasks!.SpanId);
        current.Should().BeSameAs(tasks, "the wait's span is the request's, not the task's work that goes on after it");
        next!.ParentSpanId.Should().Be(tasks.SpanId);
    }

    [Fact]
    public async Task Durable_wait_the_engine_finds_not_deterministic_ends_with_an_error_described_by_the_engines_message()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);
        durable.Engine.Answers = DurableTaskEngine.Answer.NonDeterminism;

        await durable.WriteAsync(WaitFor(durable.RunId));
        (await durable.NextAsync()).Error.Should().NotBeNull();
        var span = await durable.SingleAsync(SpanNames.WaitFor);

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("non-determinism detected: the event log holds a different entry at this node");
    }

    [Fact]
    public async Task Durable_wait_ends_with_an_error_when_the_engine_evicts_its_invocation()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);

        await durable.WriteAsync(WaitFor(durable.RunId));
        await durable.NextAsync();
        durable.Engine.Evict(durable.RunId, invocationCount: 1, reason: "stale invocation");
        (await durable.NextAsync()).ServerEvict.Should().NotBeNull();
        var span = await durable.SingleAsync(SpanNames.WaitFor);

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("evicted: stale invocation");
    }

    [Fact]
    public async Task Durable_wait_not_yet_acknowledged_ends_with_an_error_when_its_stream_breaks()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);
        durable.Engine.Answers = DurableTaskEngine.Answer.Nothing;

        await durable.WriteAsync(WaitFor(durable.RunId));
        await Eventually.Until(() => durable.Engine.Received.Count == 1, "the engine to read the wait");
        durable.Engine.BreakStreams();
        await FluentActions.Awaiting(durable.NextAsync).Should().ThrowAsync<RpcException>();
        var span = await durable.SingleAsync(SpanNames.WaitFor);

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("UNAVAILABLE: the engine went away");
        span.Events.Should().ContainSingle(recorded => recorded.Name == "exception", "Python records the exception the wait raised")
            .Which.Tags.Should().Contain(new KeyValuePair<string, object?>("exception.type", typeof(RpcException).FullName));
    }

    [Fact]
    public async Task Durable_wait_not_yet_acknowledged_ends_with_an_error_when_the_worker_disposes_its_stream()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);
        durable.Engine.Answers = DurableTaskEngine.Answer.Nothing;

        await durable.WriteAsync(WaitFor(durable.RunId));
        await Eventually.Until(() => durable.Engine.Received.Count == 1, "the engine to read the wait");
        durable.DisposeStream();
        var span = await durable.SingleAsync(SpanNames.WaitFor);

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("CANCELLED");
    }

    [Fact]
    public async Task Durable_wait_still_open_when_its_run_is_cancelled_ends_with_an_error()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);

        await durable.WriteAsync(WaitFor(durable.RunId));
        await durable.NextAsync();
        await durable.Worker.SendAsync(durable.Run, StepActionEventType.StepEventTypeCancelled);
        var span = await durable.SingleAsync(SpanNames.WaitFor);

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("cancelled");
    }

    [Fact]
    public async Task Child_spawned_from_a_durable_task_is_a_producer_run_workflow_span_whose_traceparent_the_child_carries()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);
        var spawn = Spawn(durable.RunId, ("emails", """{"customer":"c-7"}"""));
        var asWritten = spawn.Clone();

        await durable.WriteAsync(spawn);
        (await durable.NextAsync()).TriggerRunsAck.RunEntries.Should().ContainSingle();
        var span = durable.Spans(SpanNames.RunWorkflow).Should().ContainSingle("the spawn's span ends with the engine's ack").Subject;
        var child = durable.Engine.Received.Should().ContainSingle().Subject.TriggerRuns.TriggerOpts.Should().ContainSingle().Subject;

        span.Kind.Should().Be(ActivityKind.Producer);
        span.TraceId.ToHexString().Should().Be(durable.TraceId);
        span.ParentSpanId.ToHexString().Should().Be(durable.ParentSpanId);
        span.Status.Should().Be(ActivityStatusCode.Unset);
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.workflow_name", "emails"),
            Tag("hatchet.payload", """{"to":"a@example.com"}"""),
            Tag("hatchet.parent_id", "workflow-run-1"),
            Tag("hatchet.parent_step_run_id", durable.RunId),
            Tag("hatchet.child_index", 1),
            Tag("hatchet.additional_metadata", """{"customer":"c-7"}"""));
        Members(child.AdditionalMetadata).Should().Equal(("traceparent", TraceParentOf(span)), ("customer", "c-7"));
        spawn.Should().Be(asWritten, "the worker's own request is never changed: a copy is sent");
    }

    // IClientStreamWriter has two writes; an SDK may call either.
    [Fact]
    public async Task Child_spawned_with_the_write_that_takes_no_cancellation_token_also_gets_its_span_and_traceparent()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);

        await durable.WriteWithoutTokenAsync(Spawn(durable.RunId, ("emails", """{"customer":"c-7"}""")));
        (await durable.NextAsync()).TriggerRunsAck.RunEntries.Should().ContainSingle();
        var span = durable.Spans(SpanNames.RunWorkflow).Should().ContainSingle().Subject;
        var child = durable.Engine.Received.Should().ContainSingle().Subject.TriggerRuns.TriggerOpts.Should().ContainSingle().Subject;

        span.ParentSpanId.ToHexString().Should().Be(durable.ParentSpanId);
        Members(child.AdditionalMetadata).Should().Equal(("traceparent", TraceParentOf(span)), ("customer", "c-7"));
    }

    [Fact]
    public async Task Children_spawned_together_from_a_durable_task_are_one_run_workflows_span_whose_traceparent_each_child_carries()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);

        await durable.WriteAsync(Spawn(durable.RunId, ("emails", "{}"), ("invoices", """{"batch":"b-1"}"""), ("emails", "{}")));
        await durable.NextAsync();
        var span = durable.Spans(SpanNames.RunWorkflows).Should().ContainSingle().Subject;
        var children = durable.Engine.Received.Should().ContainSingle().Subject.TriggerRuns.TriggerOpts;

        span.Kind.Should().Be(ActivityKind.Producer);
        span.ParentSpanId.ToHexString().Should().Be(durable.ParentSpanId);
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.num_workflows", 3),
            Tag("hatchet.unique_workflow_names", "\"{'emails', 'invoices'}\""));
        children.Select(child => Members(child.AdditionalMetadata)[0]).Should().Equal(Enumerable.Repeat(("traceparent", (string?)TraceParentOf(span)), 3));
        Members(children[1].AdditionalMetadata).Should().Equal(("traceparent", TraceParentOf(span)), ("batch", "b-1"));
    }

    [Fact]
    public async Task Spawn_the_engine_finds_not_deterministic_ends_with_an_error()
    {
        await using var durable = await DurableWorker.StartAsync(traced: true);
        durable.Engine.Answers = DurableTaskEngine.Answer.NonDeterminism;

        await durable.WriteAsync(Spawn(durable.RunId, ("emails", "{}")));
        (await durable.NextAsync()).Error.Should().NotBeNull();
        var span = durable.Spans(SpanNames.RunWorkflow).Should().ContainSingle().Subject;

        span.Status.Should().Be(ActivityStatusCode.Error);
        span.StatusDescription.Should().Be("non-determinism detected: the event log holds a different entry at this node");
    }

    // A sleep of its own or-group, and two events sharing one: as Python's flatten_conditions sends aio_wait_for's
    // (conditions.py lines 157-182).
    private static V1.DurableTaskRequest WaitFor(string runId, int invocation = 1, string? key = null) => new()
    {
        WaitFor = new V1.DurableTaskWaitForRequest
        {
            DurableTaskExternalId = runId,
            InvocationCount = invocation,
            Label = "waiting for payment",
            WaitForConditions = key is not null
                ? new V1.DurableEventListenerConditions { SleepConditions = { Sleep(key) } }
                : new V1.DurableEventListenerConditions
                {
                    SleepConditions = { Sleep("sleep:10s") },
                    UserEventConditions = { UserEvent("order:paid", "group-b"), UserEvent("order:cancelled", "group-b") },
                },
        },
    };

    private static V1.SleepMatchCondition Sleep(string key) => new() { Base = new V1.BaseMatchCondition { ReadableDataKey = key, OrGroupId = Guid.NewGuid().ToString() }, SleepFor = "10s" };

    private static V1.UserEventMatchCondition UserEvent(string key, string group) => new() { Base = new V1.BaseMatchCondition { ReadableDataKey = key, OrGroupId = group }, UserEventKey = key };

    // As Python's _create_workflow_run_request fills each child's request (clients/admin.py lines 371-412).
    private static V1.DurableTaskRequest Spawn(string runId, params (string Name, string Metadata)[] children) => new()
    {
        TriggerRuns = new V1.DurableTaskTriggerRunsRequest
        {
            DurableTaskExternalId = runId,
            InvocationCount = 1,
            TriggerOpts =
            {
                children.Select((child, index) => new V1.TriggerWorkflowRequest
                {
                    Name = child.Name,
                    Input = """{"to":"a@example.com"}""",
                    ParentId = "workflow-run-1",
                    ParentTaskRunExternalId = runId,
                    ChildIndex = index + 1,
                    AdditionalMetadata = child.Metadata,
                }),
            },
        },
    };

    private static List<(string Name, string? Value)> Members(string metadata)
        => JsonDocument.Parse(metadata).RootElement.EnumerateObject().Select(member => (member.Name, member.Value.GetString())).ToList();


    private static class SpanNames
    {
        public const string WaitFor = "hatchet.durable.wait_for";
        public const string RunWorkflow = "hatchet.run_workflow";
        public const string RunWorkflows = "hatchet.run_workflows";
    }

    /// <summary>
    /// A traced worker with a durable run assigned, and its durable-task stream to the engine-like stream, opened by
    /// its V1Dispatcher client wired with the same interceptor as its dispatcher client.
    /// </summary>
    private sealed class DurableWorker : IAsyncDisposable
    {
        private readonly GrpcChannel channel;
        private readonly AsyncDuplexStreamingCall<V1.DurableTaskRequest, V1.DurableTaskResponse> stream;

        private DurableWorker(TracedWorker worker, DurableTaskEngine engine, AssignedAction run)
        {
            this.Worker = worker;
            this.Engine = engine;
            this.Run = run;
            this.channel = GrpcChannel.ForAddress(engine.Address);
            this.stream = new V1.V1Dispatcher.V1DispatcherClient(this.channel.Intercept(worker.Host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>()))
                .DurableTask(cancellationToken: TestContext.Current.CancellationToken);
        }

        public TracedWorker Worker { get; }

        public DurableTaskEngine Engine { get; }

        public AssignedAction Run { get; }

        public string RunId => this.Run.TaskRunExternalId;

        /// <summary>Gets the trace of the run's metadata, its own, so that this test's spans are told from others'.</summary>
        public string TraceId { get; private init; } = string.Empty;

        public string ParentSpanId { get; private init; } = string.Empty;

        /// <param name="traced">Whether the run's metadata carries a traceparent, as a run triggered in a trace does.</param>
        /// <param name="configure">The application's tracing options.</param>
        public static async Task<DurableWorker> StartAsync(bool traced, Action<HatchetInstrumentationOptions>? configure = null)
        {
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            var parentSpanId = ActivitySpanId.CreateRandom().ToHexString();
            var worker = await TracedWorker.StartAsync(configure);
            var engine = await DurableTaskEngine.StartAsync();
            var run = TracedWorker.NewRun(traced ? $$"""{"customer":"c-7","traceparent":"00-{{traceId}}-{{parentSpanId}}-01"}""" : null);
            worker.Dispatcher.Assign(run);
            await Eventually.Until(() => worker.Host.Health.TaskRuns.Count > 0, "the durable run to be assigned");
            await worker.SendAsync(run, StepActionEventType.StepEventTypeStarted);
            return new DurableWorker(worker, engine, run) { TraceId = traced ? traceId : string.Empty, ParentSpanId = traced ? parentSpanId : string.Empty };
        }

        public Task WriteAsync(V1.DurableTaskRequest request) => this.stream.RequestStream.WriteAsync(request, TestContext.Current.CancellationToken);

        public Task WriteWithoutTokenAsync(V1.DurableTaskRequest request) => this.stream.RequestStream.WriteAsync(request);

        /// <summary>The engine's next answer, read as the SDK's receive loop reads it.</summary>
        public async Task<V1.DurableTaskResponse> NextAsync()
        {
            (await this.stream.ResponseStream.MoveNext(TestContext.Current.CancellationToken)).Should().BeTrue("the engine answers");
            return this.stream.ResponseStream.Current;
        }

        /// <summary>The worker gives its stream up, as an SDK stopping its listener does.</summary>
        public void DisposeStream() => this.stream.Dispose();

        public Task CompleteRunAsync() => this.Worker.SendAsync(this.Run, StepActionEventType.StepEventTypeCompleted);

        /// <summary>The run's spans of that name exported so far: a wait's by its step run id, any by the run's own trace.</summary>
        public List<Activity> Spans(string name) => this.Worker.Spans.Where(span => span.DisplayName == name
            && (Equals(span.GetTagItem("hatchet.step_run_id"), this.RunId) || span.TraceId.ToHexString() == this.TraceId));

        public async Task<Activity> SingleAsync(string name)
        {
            await Eventually.Until(() => this.Spans(name).Count > 0, $"the span {name} of {this.RunId} to be exported");
            return this.Spans(name).Should().ContainSingle().Subject;
        }

        public async ValueTask DisposeAsync()
        {
            this.stream.Dispose();
            this.channel.Dispose();
            await this.Engine.DisposeAsync();
            await this.Worker.DisposeAsync();
        }
    }
}
