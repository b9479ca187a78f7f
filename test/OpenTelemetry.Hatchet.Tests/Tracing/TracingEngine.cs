using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Stands in for the Hatchet engine's services that a client triggers runs and pushes events with: the real
/// protocol (gRPC over HTTP/2 on loopback, the engine's own protos, served by Grpc.AspNetCore), recording every request
/// as it arrived, and answering each call, or refusing every one with the status a test sets.
/// </summary>
internal sealed class TracingEngine : IAsyncDisposable
{
    private WebApplication? app;

    private TracingEngine(int port) => this.Address = new Uri($"http://127.0.0.1:{port}");

    public Uri Address { get; }

    /// <summary>Gets every request received, in order, as read from the wire.</summary>
    public ConcurrentQueue<IMessage> Received { get; } = new();

    /// <summary>Gets or sets the status every call is refused with, or <see langword="null"/> to answer them.</summary>
    public Grpc.Core.Status? Refusal { get; set; }

    public static async Task<TracingEngine> StartAsync()
    {
        var engine = new TracingEngine(FreeTcpPort.Next());
        engine.app = await LoopbackGrpcServer.StartAsync(engine.Address.Port, engine, app =>
        {
            app.MapGrpcService<Workflows>();
            app.MapGrpcService<Admin>();
            app.MapGrpcService<EventsIngestor>();
        });
        return engine;
    }

    /// <summary>The one request received, of the type expected.</summary>
    public T Single<T>()
        where T : IMessage => this.Received.Should().ContainSingle().Which.Should().BeOfType<T>().Subject;

    public async ValueTask DisposeAsync()
    {
        if (this.app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await this.app.StopAsync(timeout.Token);
            await this.app.DisposeAsync();
        }
    }

    private T Answer<T>(IMessage request, T response)
    {
        this.Received.Enqueue(request);
        return this.Refusal is { } refusal ? throw new RpcException(refusal) : response;
    }

    private sealed class Workflows(TracingEngine engine) : WorkflowService.WorkflowServiceBase
    {
        public override Task<TriggerWorkflowResponse> TriggerWorkflow(V1.TriggerWorkflowRequest request, ServerCallContext context)
            => Task.FromResult(engine.Answer(request, new TriggerWorkflowResponse { WorkflowRunId = "run-1" }));

        public override Task<BulkTriggerWorkflowResponse> BulkTriggerWorkflow(BulkTriggerWorkflowRequest request, ServerCallContext context)
            => Task.FromResult(engine.Answer(request, new BulkTriggerWorkflowResponse { WorkflowRunIds = { request.Workflows.Select((_, index) => $"run-{index + 1}") } }));

        public override Task<WorkflowVersion> ScheduleWorkflow(ScheduleWorkflowRequest request, ServerCallContext context)
            => Task.FromResult(engine.Answer(request, new WorkflowVersion { Id = "version-1", WorkflowId = "workflow-1" }));

        public override Task<PutRateLimitResponse> PutRateLimit(PutRateLimitRequest request, ServerCallContext context)
            => Task.FromResult(engine.Answer(request, new PutRateLimitResponse()));
    }

    private sealed class Admin(TracingEngine engine) : V1.AdminService.AdminServiceBase
    {
        public override Task<V1.TriggerWorkflowRunResponse> TriggerWorkflowRun(V1.TriggerWorkflowRunRequest request, ServerCallContext context)
            => Task.FromResult(engine.Answer(request, new V1.TriggerWorkflowRunResponse { ExternalId = "run-1" }));
    }

    private sealed class EventsIngestor(TracingEngine engine) : EventsService.EventsServiceBase
    {
        public override Task<Event> Push(PushEventRequest request, ServerCallContext context)
            => Task.FromResult(engine.Answer(request, new Event { EventId = "event-1", Key = request.Key }));

        public override Task<Events> BulkPush(BulkPushEventRequest request, ServerCallContext context)
            => Task.FromResult(engine.Answer(request, new Events { Events_ = { request.Events.Select((pushed, index) => new Event { EventId = $"event-{index + 1}", Key = pushed.Key }) } }));
    }
}
