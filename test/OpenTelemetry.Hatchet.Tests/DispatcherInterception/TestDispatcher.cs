using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// Stands in for the Hatchet engine's dispatcher: the real protocol (gRPC over HTTP/2 on loopback, the
/// contract's method names and field numbers, from the project's dispatcher.proto), served by Grpc.AspNetCore.
/// Tests tell it to break the listen stream, refuse listens, refuse or stall heartbeats, or hand out task runs.
/// </summary>
/// <remarks>
/// Like the engine, it refuses a heartbeat with <c>FAILED_PRECONDITION</c> while no listen stream is open.
/// </remarks>
internal sealed class TestDispatcher : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Channel<object>, bool> streams = new();
    private WebApplication? app;

    private TestDispatcher(int port) => this.Address = new Uri($"http://127.0.0.1:{port}");

    public enum HeartbeatMode
    {
        Accept,
        Refuse,
        Stall,

        /// <summary>Accepts heartbeats even while no listen stream is open, as the engine does not.</summary>
        AcceptWithoutStream,
    }

    public Uri Address { get; }

    public HeartbeatMode Heartbeats { get; set; }

    /// <summary>Gets or sets a value indicating whether listen calls are refused with UNAVAILABLE in their response headers.</summary>
    public bool RefuseListen { get; set; }

    public ConcurrentQueue<WorkerRegisterRequest> Registrations { get; } = new();

    public ConcurrentQueue<StepActionEvent> Events { get; } = new();

    /// <summary>Gets the <c>authorization</c> metadata of every Register call.</summary>
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public int OpenStreams => this.streams.Count;

    public int ListenCalls => this.listenCalls;

    public int HeartbeatsAccepted => this.heartbeatsAccepted;

    private int listenCalls;
    private int heartbeatsAccepted;

    /// <summary>Starts the dispatcher on a free loopback port.</summary>
    /// <param name="services">Adds the services that <paramref name="map"/> needs.</param>
    /// <param name="map">Serves further engine services on the same port, as the engine does (for example its admin service).</param>
    public static async Task<TestDispatcher> StartAsync(Action<IServiceCollection>? services = null, Action<WebApplication>? map = null)
    {
        var dispatcher = new TestDispatcher(FreeTcpPort.Next());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, dispatcher.Address.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(dispatcher);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGrpcService<Service>();
        map?.Invoke(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        dispatcher.app = app;
        return dispatcher;
    }

    /// <summary>Ends every open listen stream with UNAVAILABLE, as an engine restart or a network fault does.</summary>
    public void BreakStreams()
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Writer.TryWrite(Break.Instance);
        }
    }

    /// <summary>Ends every open listen stream with OK, as an engine does when it lets a worker go.</summary>
    public void EndStreams()
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Writer.TryComplete();
        }
    }

    /// <summary>Hands a task run to the worker on every open listen stream.</summary>
    public void Assign(AssignedAction action)
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Writer.TryWrite(action);
        }
    }

    public static AssignedAction StartStepRun(string id, string action = "example:step") => new()
    {
        TaskRunExternalId = id,
        ActionId = action,
        ActionType = ActionType.StartStepRun,
        ActionPayload = "{}",
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Writer.TryComplete();
        }

        if (this.app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await this.app.StopAsync(timeout.Token);
            await this.app.DisposeAsync();
        }
    }

    private sealed class Break
    {
        public static readonly Break Instance = new();
    }

    private sealed class Service(TestDispatcher state) : global::Dispatcher.DispatcherBase
    {
        public override Task<WorkerRegisterResponse> Register(WorkerRegisterRequest request, ServerCallContext context)
        {
            state.Registrations.Enqueue(request);
            state.Authorizations.Enqueue(context.RequestHeaders.GetValue("authorization"));
            return Task.FromResult(new WorkerRegisterResponse { TenantId = "tenant", WorkerId = "worker-1", WorkerName = request.WorkerName });
        }

        public override Task ListenV2(WorkerListenRequest request, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
            => this.ListenAsync(responseStream, context);

        public override Task Listen(WorkerListenRequest request, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
            => this.ListenAsync(responseStream, context);

        public override async Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
        {
            switch (state.Heartbeats)
            {
                case HeartbeatMode.Stall:
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    break;
                case HeartbeatMode.Refuse:
                case HeartbeatMode.Accept when state.OpenStreams == 0:
                    throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, "Heartbeat rejected, worker stream is not active: the listener should reconnect"));
            }

            Interlocked.Increment(ref state.heartbeatsAccepted);
            return new HeartbeatResponse();
        }

        public override Task<ActionEventResponse> SendStepActionEvent(StepActionEvent request, ServerCallContext context)
        {
            state.Events.Enqueue(request);
            return Task.FromResult(new ActionEventResponse { TenantId = "tenant", WorkerId = request.WorkerId });
        }

        public override Task<ActionEventResponse> SendBatchActionEvent(BatchActionEvent request, ServerCallContext context)
            => Task.FromResult(new ActionEventResponse { TenantId = "tenant", WorkerId = request.WorkerId });

        public override Task<ReleaseSlotResponse> ReleaseSlot(ReleaseSlotRequest request, ServerCallContext context)
            => Task.FromResult(new ReleaseSlotResponse());

        public override Task<WorkerUnsubscribeResponse> Unsubscribe(WorkerUnsubscribeRequest request, ServerCallContext context)
            => Task.FromResult(new WorkerUnsubscribeResponse { TenantId = "tenant", WorkerId = request.WorkerId });

        private async Task ListenAsync(IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
        {
            Interlocked.Increment(ref state.listenCalls);
            if (state.RefuseListen)
            {
                // Thrown before anything is written: the refusal travels in the response headers (trailers-only).
                throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the test dispatcher refuses listen calls"));
            }

            var stream = Channel.CreateUnbounded<object>();
            state.streams[stream] = true;
            try
            {
                await context.WriteResponseHeadersAsync([]);
                await foreach (var item in stream.Reader.ReadAllAsync(context.CancellationToken))
                {
                    if (item is Break)
                    {
                        throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the test dispatcher broke the stream"));
                    }

                    await responseStream.WriteAsync((AssignedAction)item, context.CancellationToken);
                }
            }
            finally
            {
                state.streams.TryRemove(stream, out _);
            }
        }
    }
}
