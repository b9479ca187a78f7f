using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Proto.Trace.V1;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>A task run's span as a collector receives it over OTLP/gRPC, decoded with the official schema.</summary>
public sealed class OtlpTraceTests
{
    [Fact]
    public async Task Run_span_reaches_a_collector_as_a_consumer_span_in_the_triggering_trace()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string parentId = "00f067aa0ba902b7";
        await using var receiver = await TraceReceiver.StartAsync();
        await using var dispatcher = await TestDispatcher.StartAsync();
        await using var host = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddHatchetInstrumentation()
            .AddOtlpExporter(otlp =>
            {
                otlp.Endpoint = receiver.Endpoint;
                otlp.Protocol = OtlpExportProtocol.Grpc;
                otlp.ExportProcessorType = ExportProcessorType.Simple;
            })));
        await using var worker = TestWorker.Intercepted(dispatcher.Address, host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>());
        await worker.StartAsync();
        await Eventually.Until(() => dispatcher.OpenStreams > 0, "the worker to listen");
        var run = TracedWorker.NewRun($$"""{"traceparent":"00-{{traceId}}-{{parentId}}-01"}""");

        dispatcher.Assign(run);
        await Eventually.Until(() => host.Health.TaskRuns.Count > 0, "the run to be assigned");
        await worker.SendAsync(run.TaskRunExternalId, StepActionEventType.StepEventTypeCompleted);
        var (span, scope, _) = await receiver.SpanAsync("hatchet.start_step_run", run.TaskRunExternalId);

        scope.Should().Be("OpenTelemetry.Hatchet");
        span.Kind.Should().Be(Span.Types.SpanKind.Consumer);
        span.TraceId.Should().Equal(ByteString.CopyFrom(Convert.FromHexString(traceId)));
        span.ParentSpanId.Should().Equal(ByteString.CopyFrom(Convert.FromHexString(parentId)));
        span.Attributes.Should().Contain(attribute => attribute.Key == "hatchet.workflow_run_id" && attribute.Value.StringValue == "workflow-run-1");
        span.Attributes.Should().Contain(attribute => attribute.Key == "hatchet.retry_count" && attribute.Value.IntValue == 2);
        span.Attributes.Should().Contain(attribute => attribute.Key == "instrumentor" && attribute.Value.StringValue == "hatchet");
    }
}
