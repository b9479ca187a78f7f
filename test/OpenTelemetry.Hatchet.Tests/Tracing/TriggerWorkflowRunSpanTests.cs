using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using static OpenTelemetry.Hatchet.Tests.Tracing.SpanExpectations;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// <c>/v1.AdminService/TriggerWorkflowRun</c>, which triggers a run as <c>TriggerWorkflow</c> does but sends its
/// input and metadata as bytes: the Python SDK does not call it, so its span is <c>hatchet.run_workflow</c> with the
/// attributes its request has of those <c>_wrap_run_workflow</c> sets (instrumentor.py lines 897-925).
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class TriggerWorkflowRunSpanTests
{
    [Fact]
    public async Task Trigger_run_is_a_producer_span_named_run_workflow_with_its_bytes_read_as_text()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Admin.TriggerWorkflowRunAsync(
            new V1.TriggerWorkflowRunRequest
            {
                WorkflowName = "orders",
                Input = ByteString.CopyFromUtf8("""{"id":"é"}"""),
                AdditionalMetadata = ByteString.CopyFromUtf8("""{"customer":"c-1"}"""),
                Priority = 2,
            },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        span.OperationName.Should().Be("hatchet.run_workflow");
        span.Kind.Should().Be(ActivityKind.Producer);
        span.TagObjects.Should().Equal(
            Tag("instrumentor", "hatchet"),
            Tag("hatchet.workflow_name", "orders"),
            Tag("hatchet.payload", """{"id":"é"}"""),
            Tag("hatchet.additional_metadata", """{"customer":"c-1"}"""),
            Tag("hatchet.priority", 2));
    }

    [Fact]
    public async Task The_run_carries_the_spans_traceparent_with_every_other_metadata_byte_kept()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Admin.TriggerWorkflowRunAsync(
            new V1.TriggerWorkflowRunRequest { WorkflowName = "orders", AdditionalMetadata = ByteString.CopyFromUtf8("""{ "名前" : "ü\u00e9" }""") },
            cancellationToken: TestContext.Current.CancellationToken);

        var span = await client.SpanAsync();
        client.Engine.Single<V1.TriggerWorkflowRunRequest>().AdditionalMetadata.ToByteArray()
            .Should().Equal(Encoding.UTF8.GetBytes($$"""{"traceparent":"{{TraceParentOf(span)}}", "名前" : "ü\u00e9" }"""));
    }

    [Fact]
    public async Task The_callers_request_and_its_bytes_are_not_changed()
    {
        await using var client = await TracedClient.StartAsync();
        var metadata = ByteString.CopyFromUtf8("""{"customer":"c-1"}""");
        var request = new V1.TriggerWorkflowRunRequest { WorkflowName = "orders", AdditionalMetadata = metadata };

        await client.Admin.TriggerWorkflowRunAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        request.AdditionalMetadata.Should().BeSameAs(metadata);
        request.AdditionalMetadata.ToStringUtf8().Should().Be("""{"customer":"c-1"}""");
        client.Engine.Single<V1.TriggerWorkflowRunRequest>().AdditionalMetadata.ToStringUtf8().Should().Contain("traceparent");
    }
}
