using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Calls that are not traced: every call while nothing listens to the package's spans, and, whatever listens,
/// the calls the Python SDK's instrumentor does not trace. Each reaches the engine exactly as the caller sent it.
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class UntracedCallTests
{
    [Fact]
    public async Task With_no_listener_every_traced_method_sends_its_request_as_it_came()
    {
        HatchetActivitySourceHasListeners().Should().BeFalse("no TracerProvider, nor any other listener, exists while this test runs");
        await using var client = await TracedClient.StartUnlistenedAsync();
        using var caller = SpanExpectations.CallerSpan();
        IMessage[] sent =
        [
            new V1.TriggerWorkflowRequest { Name = "orders", AdditionalMetadata = """{ "customer" : "c-1" }""" },
            new BulkTriggerWorkflowRequest { Workflows = { new V1.TriggerWorkflowRequest { Name = "orders", AdditionalMetadata = "{}" } } },
            new ScheduleWorkflowRequest { Name = "reports", Schedules = { Timestamp.FromDateTime(DateTime.UnixEpoch) }, AdditionalMetadata = """{"a":1}""" },
            new V1.TriggerWorkflowRunRequest { WorkflowName = "orders", AdditionalMetadata = ByteString.CopyFromUtf8("""{"a":1}""") },
            new PushEventRequest { Key = "order.created", AdditionalMetadata = """{"a" :1}""" },
            new BulkPushEventRequest { Events = { new PushEventRequest { Key = "order.created" } } },
        ];
        var ct = TestContext.Current.CancellationToken;

        await client.Workflows.TriggerWorkflowAsync((V1.TriggerWorkflowRequest)sent[0], cancellationToken: ct);
        await client.Workflows.BulkTriggerWorkflowAsync((BulkTriggerWorkflowRequest)sent[1], cancellationToken: ct);
        await client.Workflows.ScheduleWorkflowAsync((ScheduleWorkflowRequest)sent[2], cancellationToken: ct);
        await client.Admin.TriggerWorkflowRunAsync((V1.TriggerWorkflowRunRequest)sent[3], cancellationToken: ct);
        await client.Events.PushAsync((PushEventRequest)sent[4], cancellationToken: ct);
        client.Events.BulkPush((BulkPushEventRequest)sent[5], cancellationToken: ct);

        client.Engine.Received.Select(received => received.ToByteString()).Should().Equal(sent.Select(request => request.ToByteString()), "each request arrives byte for byte as sent");
        client.CurrentWhenSent.Should().HaveCount(6).And.AllSatisfy(current => current.Should().BeSameAs(caller, "no span was started"));
    }

    [Fact]
    public async Task With_a_listener_a_call_the_python_sdk_does_not_trace_is_sent_as_it_came_and_has_no_span()
    {
        await using var client = await TracedClient.StartAsync();
        var sent = new PutRateLimitRequest { Key = "api", Limit = 10 };

        await client.Workflows.PutRateLimitAsync(sent, cancellationToken: TestContext.Current.CancellationToken);

        client.Engine.Single<PutRateLimitRequest>().Should().Be(sent);
        client.Exported().Should().BeEmpty();
    }

    [Fact]
    public async Task An_unsampled_call_with_no_caller_span_sends_its_own_traceparent_marked_unsampled_as_python_does()
    {
        // A sampler that drops a root span still gives it an id, which the run carries with its sampled flag off (as
        // Python's NonRecordingSpan), so that the runs it starts are not sampled either.
        await using var client = await TracedClient.StartAsync(sampler: new AlwaysOffSampler());

        await client.Workflows.TriggerWorkflowAsync(new V1.TriggerWorkflowRequest { Name = "orders" }, cancellationToken: TestContext.Current.CancellationToken);

        client.Exported().Should().BeEmpty();
        client.Engine.Single<V1.TriggerWorkflowRequest>().AdditionalMetadata.Should().MatchRegex("""^\{"traceparent":"00-[0-9a-f]{32}-[0-9a-f]{16}-00"\}$""");
    }

    [Fact]
    public async Task A_call_under_an_unsampled_caller_makes_no_span_and_carries_the_callers_trace_unsampled()
    {
        // The SDK makes no span at all under an unsampled local parent; the run still joins the caller's trace, as
        // an HTTP call's traceparent header would, instead of starting a sampled trace of its own.
        await using var client = await TracedClient.StartAsync();
        using var caller = SpanExpectations.CallerSpan(sampled: false);

        await client.Events.PushAsync(new PushEventRequest { Key = "order.created", AdditionalMetadata = """{"a":1}""" }, cancellationToken: TestContext.Current.CancellationToken);

        client.Exported().Should().BeEmpty();
        client.Engine.Single<PushEventRequest>().AdditionalMetadata.Should().Be($$"""{"traceparent":"00-{{caller.TraceId.ToHexString()}}-{{caller.SpanId.ToHexString()}}-00","a":1}""");
        Activity.Current.Should().BeSameAs(caller);
    }

    private static bool HatchetActivitySourceHasListeners() => OpenTelemetry.Hatchet.Tracing.HatchetActivitySource.Source.HasListeners();
}
