using Google.Protobuf;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Metadata a caller sent that is not a JSON object (Python's SDK only ever sends a dict, so it never has any): the
/// engine gets it exactly as sent, the call succeeds, and it still has its span.
/// </summary>
[Collection(typeof(TracesAlone))]
public sealed class MetadataNotAnObjectTests
{
    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("{\"a\":1")]
    [InlineData("{} {}")]
    public async Task Metadata_that_is_not_an_object_is_sent_unchanged_and_the_trigger_has_its_span(string metadata)
    {
        await using var client = await TracedClient.StartAsync();

        var response = await client.Workflows.TriggerWorkflowAsync(
            new V1.TriggerWorkflowRequest { Name = "orders", AdditionalMetadata = metadata },
            cancellationToken: TestContext.Current.CancellationToken);

        response.WorkflowRunId.Should().Be("run-1");
        client.Engine.Single<V1.TriggerWorkflowRequest>().AdditionalMetadata.Should().Be(metadata);
        (await client.SpanAsync()).OperationName.Should().Be("hatchet.run_workflow");
    }

    [Fact]
    public async Task Metadata_bytes_that_are_not_text_are_sent_unchanged_and_the_trigger_has_its_span()
    {
        await using var client = await TracedClient.StartAsync();
        var metadata = ByteString.CopyFrom(0xff, 0xfe, (byte)'{', 0x00);

        await client.Admin.TriggerWorkflowRunAsync(new V1.TriggerWorkflowRunRequest { WorkflowName = "orders", AdditionalMetadata = metadata }, cancellationToken: TestContext.Current.CancellationToken);

        client.Engine.Single<V1.TriggerWorkflowRunRequest>().AdditionalMetadata.Should().Equal(metadata);
        (await client.SpanAsync()).OperationName.Should().Be("hatchet.run_workflow");
    }

    [Fact]
    public async Task Metadata_that_is_not_an_object_is_its_spans_attribute_as_sent()
    {
        await using var client = await TracedClient.StartAsync();

        await client.Events.PushAsync(new PushEventRequest { Key = "order.created", AdditionalMetadata = "not json" }, cancellationToken: TestContext.Current.CancellationToken);

        (await client.SpanAsync()).GetTagItem("hatchet.additional_metadata").Should().Be("not json");
    }
}
