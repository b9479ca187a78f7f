using System.Diagnostics;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// <c>/WorkflowService/TriggerWorkflow</c>, the call the Python SDK's <c>run_workflow</c> makes: its span, as
/// <c>_wrap_run_workflow</c> makes it (<c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c> lines 878-936 at
/// 89d130f), and the traceparent the run's <c>additional_metadata</c> carries to the engine.
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class TriggerWorkflowSpanTests
{
    [Fact]
    public async Task Trigger_is_a_producer_span_named_run_workflow_with_pythons_attributes_in_pythons_order()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Workflows.TriggerWorkflowAsync(
            new V1.TriggerWorkflowRequest
            {
                Name = "orders",
                Input = """{"id":1}""",
                ParentId = "parent-run",
                ParentTaskRunExternalId = "parent-task",
                ChildIndex = 2,
                ChildKey = "child-key",
                AdditionalMetadata = """{"customer":"c-1"}""",
                DesiredWorkerId = "worker-1",
                Priority = 3,
            },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.run_workflow");
        span.Kind.Should().Be(ActivityKind.Producer);
        span.Status.Should().Be(ActivityStatusCode.Unset);

        // Lines 897-912, filtered by 916-925; namespace, sticky and key never reach the request.
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.workflow_name", "orders"),
            Tag("hatchet.payload", """{"id":1}"""),
            Tag("hatchet.parent_id", "parent-run"),
            Tag("hatchet.parent_step_run_id", "parent-task"),
            Tag("hatchet.child_index", 2),
            Tag("hatchet.child_key", "child-key"),
            Tag("hatchet.additional_metadata", """{"customer":"c-1"}"""),
            Tag("hatchet.priority", 3),
            Tag("hatchet.desired_worker_id", "worker-1"));
    }

    [Fact]
    public async Task Empty_zero_and_empty_json_values_are_left_off_as_python_leaves_them()
    {
        await using var client = await TracedClient.StartAsync();

        // Python keeps a value only if it is truthy and not "{}" or "[]" (lines 921-924).
        await client.Workflows.TriggerWorkflowAsync(
            new V1.TriggerWorkflowRequest { Name = "orders", Input = "[]", ParentId = string.Empty, ChildIndex = 0, ChildKey = string.Empty, AdditionalMetadata = "{}", Priority = 0 },
            cancellationToken: TestContext.Current.CancellationToken);

        (await client.SpanAsync()).TagObjects.Should().Equal(Tag("instrumentor", "hatchet"), Tag("hatchet.workflow_name", "orders"));
    }

    [Fact]
    public async Task Trigger_span_is_a_child_of_the_callers_current_span()
    {
        await using var client = await TracedClient.StartAsync();
        using var caller = CallerSpan();

        await client.Workflows.TriggerWorkflowAsync(new V1.TriggerWorkflowRequest { Name = "orders" }, cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.TraceId.Should().Be(caller.TraceId);
        span.ParentSpanId.Should().Be(caller.SpanId);
    }

    [Fact]
    public async Task The_run_carries_the_spans_traceparent_and_every_other_metadata_key_unchanged()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Workflows.TriggerWorkflowAsync(
            new V1.TriggerWorkflowRequest { Name = "orders", AdditionalMetadata = """{ "customer" : "c-1", "tags":["a", {"b":null}], "n":1.50 }""" },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.Engine.Single<V1.TriggerWorkflowRequest>().AdditionalMetadata
            .Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}", "customer" : "c-1", "tags":["a", {"b":null}], "n":1.50 }""");
    }

    [Fact]
    public async Task A_run_without_metadata_carries_the_traceparent_alone()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Workflows.TriggerWorkflowAsync(new V1.TriggerWorkflowRequest { Name = "orders" }, cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.Engine.Single<V1.TriggerWorkflowRequest>().AdditionalMetadata.Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}"}""");
    }

    [Fact]
    public async Task An_existing_traceparent_is_replaced_by_the_spans_as_python_replaces_it()
    {
        await using var client = await TracedClient.StartAsync();
        const string Stale = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        // {**metadata, "traceparent": traceparent} (lines 261-264): the span's own wins, whatever the caller put there.
        await client.Workflows.TriggerWorkflowAsync(
            new V1.TriggerWorkflowRequest { Name = "orders", AdditionalMetadata = $$"""{"customer":"c-1","traceparent":"{{Stale}}"}""" },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.Engine.Single<V1.TriggerWorkflowRequest>().AdditionalMetadata.Should().Be($$"""{"customer":"c-1","traceparent":"{{TraceParentOf(span)}}"}""");
        span.TraceId.ToHexString().Should().NotBe("4bf92f3577b34da6a3ce929d0e0e4736", "the span is the caller's child, not the stale traceparent's");
    }

    [Fact]
    public async Task The_callers_request_is_not_changed()
    {
        await using var client = await TracedClient.StartAsync();
        var request = new V1.TriggerWorkflowRequest { Name = "orders", AdditionalMetadata = """{"customer":"c-1"}""" };
        var asSent = request.Clone();

        await client.Workflows.TriggerWorkflowAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        request.Should().Be(asSent);
        client.Engine.Single<V1.TriggerWorkflowRequest>().AdditionalMetadata.Should().Contain("traceparent");
    }

    [Fact]
    public async Task The_call_is_made_inside_its_span()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Workflows.TriggerWorkflowAsync(new V1.TriggerWorkflowRequest { Name = "orders" }, cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.CurrentWhenSent.Should().ContainSingle().Which.Should().BeSameAs(span, "what the call does on its way out (an HTTP span, another interceptor) is the span's child");
    }

    [Fact]
    public async Task Once_the_async_call_is_made_the_callers_span_is_current_again()
    {
        await using var client = await TracedClient.StartAsync();
        using var caller = CallerSpan();

        using var call = client.Workflows.TriggerWorkflowAsync(new V1.TriggerWorkflowRequest { Name = "orders" }, cancellationToken: TestContext.Current.CancellationToken);

        Activity.Current.Should().BeSameAs(caller, "the run's span stays open until the answer is in, but is not the caller's");
        await call;
        (await client.SpanAsync()).ParentSpanId.Should().Be(caller.SpanId);
    }

    [Fact]
    public async Task A_blocking_trigger_has_ended_its_span_and_sent_its_traceparent_when_it_returns()
    {
        await using var client = await TracedClient.StartAsync();
        using var caller = CallerSpan();

        client.Workflows.TriggerWorkflow(new V1.TriggerWorkflowRequest { Name = "orders" }, cancellationToken: TestContext.Current.CancellationToken);

        var span = client.Exported().Should().ContainSingle().Subject;
        span.OperationName.Should().Be("hatchet.run_workflow");
        span.Kind.Should().Be(ActivityKind.Producer);
        span.ParentSpanId.Should().Be(caller.SpanId);
        client.Engine.Single<V1.TriggerWorkflowRequest>().AdditionalMetadata.Should().Be($$"""{"traceparent":"{{TraceParentOf(span)}}"}""");
        Activity.Current.Should().BeSameAs(caller);
    }
}
