using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// Stands in for the Hatchet engine's dispatcher: the real protocol (gRPC over HTTP/2 on loopback, the engine's own
/// dispatcher.proto), served by Grpc.AspNetCore, and by default behaving as the engine does. Each behaviour names
/// the line of <c>internal/services/dispatcher/server.go</c> (upstream <c>hatchet-dev/hatchet</c> at 89d130f) it
/// follows. Tests tell it to break or end the listen streams, refuse listens, refuse or stall heartbeats, or hand out
/// task runs and batches.
/// </summary>
internal sealed class TestDispatcher : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, Worker> workers = new();
    private readonly ConcurrentDictionary<Stream, bool> streams = new();
    private readonly ConcurrentDictionary<Channel<V1.DurableTaskResponse>, bool> durableStreams = new();
    private WebApplication? app;
    private int listenCalls;
    private int heartbeatsAccepted;

    private TestDispatcher(int port) => this.Address = new Uri($"http://127.0.0.1:{port}");

    public enum HeartbeatMode
    {
        /// <summary>As the engine: refused only when a ListenV2 session existed and is no longer active.</summary>
        Accept,

        /// <summary>Every heartbeat refused with FAILED_PRECONDITION.</summary>
        Refuse,

        /// <summary>Heartbeats never answered.</summary>
        Stall,

        /// <summary>Accepts heartbeats even while the worker's ListenV2 session is down, as the engine does not.</summary>
        AcceptWithoutStream,
    }

    public Uri Address { get; }

    public HeartbeatMode Heartbeats { get; set; }

    /// <summary>Gets or sets a value indicating whether listen calls are refused with UNAVAILABLE before anything is sent (a trailers-only response).</summary>
    public bool RefuseListen { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether listen calls send their response headers at once. The engine does
    /// not (grpc-go sends them with the first message or the trailers): only a test that says so in its name sets this.
    /// </summary>
    public bool SendHeadersEarly { get; set; }

    public ConcurrentQueue<WorkerRegisterRequest> Registrations { get; } = new();

    /// <summary>Gets the worker id given to each registration, in order.</summary>
    public ConcurrentQueue<string> WorkerIds { get; } = new();

    public ConcurrentQueue<StepActionEvent> Events { get; } = new();

    public ConcurrentQueue<BatchActionEvent> BatchEvents { get; } = new();

    /// <summary>Gets the <c>authorization</c> metadata of every Register call.</summary>
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public int OpenStreams => this.streams.Count;

    public int ListenCalls => this.listenCalls;

    public int HeartbeatsAccepted => this.heartbeatsAccepted;

    /// <summary>Starts the dispatcher on a free loopback port.</summary>
    /// <param name="services">Adds the services that <paramref name="map"/> needs.</param>
    /// <param name="map">Serves further engine services on the same port, as the engine does (for example its admin service).</param>
    public static async Task<TestDispatcher> StartAsync(Action<IServiceCollection>? services = null, Action<WebApplication>? map = null)
    {
        var dispatcher = new TestDispatcher(FreeTcpPort.Next());
        dispatcher.app = await LoopbackGrpcServer.StartAsync(
            dispatcher.Address.Port,
            dispatcher,
            app =>
            {
                app.MapGrpcService<DispatcherService>();
                app.MapGrpcService<DurableTaskService>();
                map?.Invoke(app);
            },
            services);
        return dispatcher;
    }

    public static AssignedAction StartStepRun(string id, string action = "example:step") => new()
    {
        TaskRunExternalId = id,
        ActionId = action,
        ActionType = ActionType.StartStepRun,
        ActionPayload = "{}",
    };

    /// <summary>The slots the engine gave a registered worker (see <c>Register</c>).</summary>
    public int SlotsOf(string workerId) => this.workers[Guid.Parse(workerId)].Slots;

    /// <summary>The labels the engine holds for a worker, after registration and every upsert.</summary>
    public IReadOnlyDictionary<string, WorkerLabels> LabelsOf(string workerId) => this.workers[Guid.Parse(workerId)].Labels;

    /// <summary>Ends every open listen stream with UNAVAILABLE, as an engine restart or a network fault does.</summary>
    public void BreakStreams()
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Messages.Writer.TryWrite(Break.Instance);
        }
    }

    /// <summary>Ends every open listen stream with OK, as an engine does when it lets a worker go.</summary>
    public void EndStreams()
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Messages.Writer.TryComplete();
        }
    }

    /// <summary>
    /// Hands a task run to the worker on one of its sessions, as <c>sendTasksToWorker</c> does
    /// (<c>dispatcher.go</c> lines 1060-1070: the first session that takes it). A worker that unsubscribed is no
    /// longer in the dispatcher's pool and gets nothing (<c>server.go</c> line 660).
    /// </summary>
    public void Assign(AssignedAction action)
    {
        foreach (var stream in this.streams.Keys)
        {
            if (this.workers.TryGetValue(stream.WorkerId, out var worker) && !worker.Unsubscribed && stream.Messages.Writer.TryWrite(action))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Hands out a batch as the engine does: each member as its own <c>START_STEP_RUN</c> carrying the batch's id,
    /// size and its index (<c>subscribed_worker_v1.go</c> lines 44-46 and 280-294), then one <c>START_BATCH</c> with no
    /// task run id, whose payload is a JSON object keyed by each member's external id (<c>dispatcher.go</c> lines
    /// 1171-1261, <c>batchItemPayload</c> lines 1166-1169).
    /// </summary>
    public void AssignBatch(string batchId, string action, params string[] members)
    {
        for (var index = 0; index < members.Length; index++)
        {
            var member = StartStepRun(members[index], action);
            member.BatchId = batchId;
            member.BatchSize = members.Length;
            member.BatchIndex = index;
            this.Assign(member);
        }

        var items = members.ToDictionary(member => member, _ => new Dictionary<string, object> { ["workflow_run_id"] = Guid.NewGuid().ToString(), ["payload"] = new Dictionary<string, object>() });
        this.Assign(new AssignedAction
        {
            TenantId = Tenant,
            ActionType = ActionType.StartBatch,
            ActionId = action,
            ActionPayload = JsonSerializer.Serialize(items),
            BatchStartPayload = new BatchStartPayload { ExpectedSize = members.Length, TriggerTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) },
            BatchId = batchId,
        });
    }

    /// <summary>
    /// Sends a server eviction notice for a durable run on every durable-task stream, as the engine does when it
    /// evicts an invocation itself (<c>server_v1.go</c> lines 835-845).
    /// </summary>
    public void EvictDurable(string taskRunId, int invocationCount = 1)
    {
        foreach (var stream in this.durableStreams.Keys)
        {
            stream.Writer.TryWrite(new V1.DurableTaskResponse { ServerEvict = new V1.DurableTaskServerEvictNotice { DurableTaskExternalId = taskRunId, InvocationCount = invocationCount, Reason = "the test dispatcher evicted it" } });
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Messages.Writer.TryComplete();
        }

        if (this.app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await this.app.StopAsync(timeout.Token);
            await this.app.DisposeAsync();
        }
    }

    private const string Tenant = "707d0855-80ab-4e1f-a156-f1c4546cbf52";

    /// <summary>What the engine's Worker row holds that these calls read and write.</summary>
    private sealed class Worker(int slots, Dictionary<string, WorkerLabels> labels)
    {
        public int Slots { get; } = slots;

        public ConcurrentDictionary<string, WorkerLabels> Labels { get; } = new(labels);

        public bool IsActive { get; set; }

        public DateTime? LastListenerEstablished { get; set; }

        public DateTime? LastHeartbeatAt { get; set; }

        public bool Unsubscribed { get; set; }

        public Lock Gate { get; } = new();
    }

    private sealed class Stream(Guid workerId)
    {
        public Guid WorkerId { get; } = workerId;

        public Channel<object> Messages { get; } = Channel.CreateUnbounded<object>();
    }

    private sealed class Break
    {
        public static readonly Break Instance = new();
    }

    /// <summary>The engine's <c>V1Dispatcher</c> durable-task stream, as far as registration and eviction go.</summary>
    private sealed class DurableTaskService(TestDispatcher state) : V1.V1Dispatcher.V1DispatcherBase
    {
        public override async Task DurableTask(IAsyncStreamReader<V1.DurableTaskRequest> requestStream, IServerStreamWriter<V1.DurableTaskResponse> responseStream, ServerCallContext context)
        {
            var responses = Channel.CreateUnbounded<V1.DurableTaskResponse>();
            state.durableStreams[responses] = true;
            try
            {
                var writing = ResponsePump.Start(responses.Reader, responseStream, context.CancellationToken);
                await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
                {
                    switch (request.MessageCase)
                    {
                        case V1.DurableTaskRequest.MessageOneofCase.RegisterWorker:
                            responses.Writer.TryWrite(new V1.DurableTaskResponse { RegisterWorker = new V1.DurableTaskResponseRegisterWorker { WorkerId = request.RegisterWorker.WorkerId } });
                            break;
                        case V1.DurableTaskRequest.MessageOneofCase.EvictInvocation:
                            // server_v1.go lines 1305-1343: the task is evicted, then the eviction acknowledged.
                            var evict = request.EvictInvocation;
                            responses.Writer.TryWrite(new V1.DurableTaskResponse { EvictionAck = new V1.DurableTaskEvictionAckResponse { DurableTaskExternalId = evict.DurableTaskExternalId, InvocationCount = evict.InvocationCount } });
                            break;
                    }
                }

                responses.Writer.TryComplete();
                await writing;
            }
            finally
            {
                state.durableStreams.TryRemove(responses, out _);
            }
        }
    }

    private sealed class DispatcherService(TestDispatcher state) : global::Dispatcher.DispatcherBase
    {
        public override Task<WorkerRegisterResponse> Register(WorkerRegisterRequest request, ServerCallContext context)
        {
            state.Registrations.Enqueue(request);
            state.Authorizations.Enqueue(context.RequestHeaders.GetValue("authorization"));

            // server.go lines 61-75: slot_config if given, else 100 slots; the deprecated slots beside slot_config is refused.
            if (request.HasSlots && request.SlotConfig.Count > 0)
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "either slot_config or slots (deprecated) must be provided, not both"));
            }

            var slots = request.SlotConfig.Count > 0 ? request.SlotConfig.Values.Sum() : request.HasSlots ? request.Slots : 100;
            var id = Guid.NewGuid();
            state.workers[id] = new Worker(slots, new Dictionary<string, WorkerLabels>(request.Labels));
            state.WorkerIds.Enqueue(id.ToString());
            return Task.FromResult(new WorkerRegisterResponse { TenantId = Tenant, WorkerId = id.ToString(), WorkerName = request.WorkerName });
        }

        public override async Task ListenV2(WorkerListenRequest request, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
        {
            var (id, worker) = this.Accept(request.WorkerId);

            // server.go lines 335-354: the session is established (the worker is active) before anything is sent,
            // and an older session's end does not deactivate a newer one (workers.sql UpdateWorkerActiveStatus).
            var established = DateTime.UtcNow;
            lock (worker.Gate)
            {
                worker.IsActive = true;
                worker.LastListenerEstablished = established;
            }

            try
            {
                await this.StreamAsync(id, responseStream, context);
            }
            finally
            {
                lock (worker.Gate)
                {
                    if (worker.LastListenerEstablished <= established)
                    {
                        worker.IsActive = false;
                    }
                }
            }
        }

        public override async Task Listen(WorkerListenRequest request, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
        {
            var (id, worker) = this.Accept(request.WorkerId);

            // server.go lines 239-276: while the old Listen is open the engine records the worker's heartbeat itself,
            // at once and then every 4 s; the worker sends none.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            var heartbeats = Task.Run(
                async () =>
                {
                    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(4));
                    do
                    {
                        lock (worker.Gate)
                        {
                            worker.LastHeartbeatAt = DateTime.UtcNow;
                        }
                    }
                    while (await timer.WaitForNextTickAsync(stop.Token));
                },
                CancellationToken.None);
            try
            {
                await this.StreamAsync(id, responseStream, context);
            }
            finally
            {
                await stop.CancelAsync();
                await heartbeats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        public override async Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
        {
            switch (state.Heartbeats)
            {
                case HeartbeatMode.Stall:
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    break;
                case HeartbeatMode.Refuse:
                    throw Inactive(request.WorkerId);
            }

            // server.go lines 421-431: an unknown worker is NOT_FOUND.
            var (_, worker) = this.Find(request.WorkerId, static id => new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"worker not found: {id}")));
            lock (worker.Gate)
            {
                // server.go lines 435-441: refused only when a ListenV2 session existed and is no longer active.
                if (worker.LastListenerEstablished is not null && !worker.IsActive && state.Heartbeats != HeartbeatMode.AcceptWithoutStream)
                {
                    throw Inactive(request.WorkerId);
                }

                worker.LastHeartbeatAt = DateTime.UtcNow;
            }

            Interlocked.Increment(ref state.heartbeatsAccepted);
            return new HeartbeatResponse();
        }

        public override Task<ActionEventResponse> SendStepActionEvent(StepActionEvent request, ServerCallContext context)
        {
            state.Events.Enqueue(request);
            return Task.FromResult(new ActionEventResponse { TenantId = Tenant, WorkerId = request.WorkerId });
        }

        public override Task<ActionEventResponse> SendBatchActionEvent(BatchActionEvent request, ServerCallContext context)
        {
            state.BatchEvents.Enqueue(request);
            return Task.FromResult(new ActionEventResponse { TenantId = Tenant, WorkerId = request.WorkerId });
        }

        public override Task<ReleaseSlotResponse> ReleaseSlot(ReleaseSlotRequest request, ServerCallContext context)
            => Task.FromResult(new ReleaseSlotResponse());

        public override Task<WorkerUnsubscribeResponse> Unsubscribe(WorkerUnsubscribeRequest request, ServerCallContext context)
        {
            // server.go lines 646-660: an unknown worker is NOT_FOUND; a known one leaves the dispatcher's pool (its
            // streams are not closed, they just get nothing more).
            var (_, worker) = this.Find(request.WorkerId, static id => new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"worker not found: {id}")));
            worker.Unsubscribed = true;
            return Task.FromResult(new WorkerUnsubscribeResponse { TenantId = Tenant, WorkerId = request.WorkerId });
        }

        public override Task<UpsertWorkerLabelsResponse> UpsertWorkerLabels(UpsertWorkerLabelsRequest request, ServerCallContext context)
        {
            // server.go lines 127-154: NOT_FOUND for an unknown worker, else each label upserted by key.
            var (_, worker) = this.Find(request.WorkerId, static id => new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"worker not found: {id}")));
            foreach (var (key, value) in request.Labels)
            {
                worker.Labels[key] = value;
            }

            return Task.FromResult(new UpsertWorkerLabelsResponse { TenantId = Tenant, WorkerId = request.WorkerId });
        }

        // A listen call: counted, refused if the test says so (before the session exists), else the worker looked up.
        // server.go lines 189-207 (Listen) and 298-316 (ListenV2): a malformed id is INVALID_ARGUMENT; an unknown one
        // fails the worker look-up, whose pgx error grpc-go sends as UNKNOWN.
        private (Guid Id, Worker Worker) Accept(string workerId)
        {
            Interlocked.Increment(ref state.listenCalls);
            if (state.RefuseListen)
            {
                // Thrown before anything is written: the refusal travels in the response headers (trailers-only).
                throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the test dispatcher refuses listen calls"));
            }

            return this.Find(workerId, static _ => new RpcException(new Grpc.Core.Status(StatusCode.Unknown, "no rows in result set")));
        }

        private static RpcException Inactive(string id)
            => new(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"Heartbeat rejected: worker stream is not active: {id}"));

        private (Guid Id, Worker Worker) Find(string workerId, Func<string, RpcException> unknown)
        {
            if (!Guid.TryParse(workerId, out var id))
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, $"invalid worker ID format: {workerId}"));
            }

            return state.workers.TryGetValue(id, out var worker) ? (id, worker) : throw unknown(workerId);
        }

        private async Task StreamAsync(Guid workerId, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
        {
            var stream = new Stream(workerId);
            state.streams[stream] = true;
            try
            {
                if (state.SendHeadersEarly)
                {
                    await context.WriteResponseHeadersAsync([]);
                }

                // Nothing is sent until the first message: grpc-go sends a stream's headers with it.
                await foreach (var item in stream.Messages.Reader.ReadAllAsync(context.CancellationToken))
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
