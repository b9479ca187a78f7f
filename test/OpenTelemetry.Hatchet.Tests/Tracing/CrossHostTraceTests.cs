using System.Diagnostics;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// A trace that crosses services as it does in production: one host triggers a run through its intercepted workflow
/// client, the engine-like dispatcher hands the run to another host's worker, and the worker's run span continues the
/// trace the first host started.
/// </summary>
public sealed class CrossHostTraceTests
{
    [Fact]
    public async Task Run_triggered_by_one_host_continues_its_trace_in_another_hosts_worker()
    {
        await using var engine = await TestDispatcher.StartAsync(map: app => app.MapGrpcService<TriggeringEngine>());
        using var appSource = new ActivitySource($"Checkout.{Guid.NewGuid():N}");
        var clientSpans = new ExportedSpans();
        await using var client = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(appSource.Name).AddHatchetInstrumentation().AddInMemoryExporter(clientSpans)));
        var workerSpans = new ExportedSpans();
        await using var workerHost = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddHatchetInstrumentation().AddInMemoryExporter(workerSpans)));
        await using var worker = TestWorker.Intercepted(engine.Address, workerHost.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>());
        await worker.StartAsync();
        await Eventually.Until(() => engine.OpenStreams > 0, "the worker to listen");
        using var channel = GrpcChannel.ForAddress(engine.Address);
        var workflows = new WorkflowService.WorkflowServiceClient(channel.Intercept(client.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>()));

        string workflowRunId;
        ActivityTraceId checkoutTrace;
        using (var checkout = appSource.StartActivity("checkout"))
        {
            checkoutTrace = checkout!.TraceId;
            var triggered = await workflows.TriggerWorkflowAsync(
                new V1.TriggerWorkflowRequest { Name = "orders", Input = """{"amount":3}""", AdditionalMetadata = """{"customer":"c-7"}""" },
                cancellationToken: TestContext.Current.CancellationToken);
            workflowRunId = triggered.WorkflowRunId;
        }

        var assigned = await Eventually.Until(
            () => Task.FromResult(worker.Received.FirstOrDefault(action => action.WorkflowRunId == workflowRunId)),
            action => action is not null,
            "the triggered run to reach the worker");
        await worker.SendAsync(assigned!.TaskRunExternalId, StepActionEventType.StepEventTypeCompleted);
        var runSpan = await workerSpans.SingleAsync(assigned.TaskRunExternalId);
        var triggerSpan = clientSpans.Where(span => span.DisplayName == "hatchet.run_workflow" && span.TraceId == checkoutTrace).Should().ContainSingle().Subject;

        triggerSpan.Kind.Should().Be(ActivityKind.Producer);
        runSpan.TraceId.Should().Be(checkoutTrace, "the worker's run continues the trace the other host started");
        runSpan.ParentSpanId.Should().Be(triggerSpan.SpanId);
        assigned.AdditionalMetadata.Should().Contain("\"customer\":\"c-7\"");
    }
}
