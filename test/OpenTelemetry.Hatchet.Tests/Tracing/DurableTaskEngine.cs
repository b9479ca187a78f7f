using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Stands in for the engine's durable-task stream (<c>/v1.V1Dispatcher/DurableTask</c>) as far as a durable task's waits
/// and spawns go: the real protocol (gRPC over HTTP/2 on loopback, the engine's own v1 dispatcher.proto), recording
/// every request as it arrived and answering each as <c>internal/services/dispatcher/server_v1.go</c> (upstream
/// <c>hatchet-dev/hatchet</c> at 89d130f) does, at the line each behaviour names.
/// </summary>
internal sealed class DurableTaskEngine : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Channel<V1.DurableTaskResponse>, bool> streams = new();
    private readonly ConcurrentDictionary<string, long> lastNode = new();
    private WebApplication? app;

    private DurableTaskEngine(int port) => this.Address = new Uri($"http://127.0.0.1:{port}");

    /// <summary>What the engine answers a wait or a spawn with.</summary>
    public enum Answer
    {
        /// <summary>Acknowledged, as an event ingested into the task's durable event log.</summary>
        Acknowledge,

        /// <summary>
        /// A non-determinism error: the request does not match the event log's entry at its node (<c>handleWaitFor</c>
        /// and <c>handleTriggerRuns</c>, lines 1199-1200 and 1041-1042; <c>sendNonDeterminismError</c>, 818-833).
        /// </summary>
        NonDeterminism,

        /// <summary>
        /// Nothing: a handler's error is only logged, the stream goes on and the worker is sent nothing (lines 642-648),
        /// as when the task is not found (1132-1135).
        /// </summary>
        Nothing,
    }

    public Uri Address { get; }

    /// <summary>Gets every request received, in order, as read from the wire.</summary>
    public ConcurrentQueue<V1.DurableTaskRequest> Received { get; } = new();

    /// <summary>Gets or sets what the next waits and spawns are answered with.</summary>
    public Answer Answers { get; set; }

    public static async Task<DurableTaskEngine> StartAsync()
    {
        var engine = new DurableTaskEngine(FreeTcpPort.Next());
        engine.app = await LoopbackGrpcServer.StartAsync(engine.Address.Port, engine, app => app.MapGrpcService<DurableTaskService>());
        return engine;
    }

    /// <summary>
    /// The wait at the entry's node is satisfied: <c>entry_completed</c> for that entry, with the payload the engine
    /// stored for it (<c>DeliverDurableEventLogEntryCompletion</c>, lines 1512-1542).
    /// </summary>
    public void Satisfy(V1.DurableEventLogEntryRef entry, string payload = """{"CREATE":{"sleep:10s":[{"id":1}]}}""")
        => this.Send(new V1.DurableTaskResponse { EntryCompleted = new V1.DurableTaskEventLogEntryCompletedResponse { Ref = entry, Payload = Google.Protobuf.ByteString.CopyFromUtf8(payload) } });

    /// <summary>The engine evicts an invocation itself: a server eviction notice (<c>sendStaleInvocationEviction</c>, lines 835-845).</summary>
    public void Evict(string taskRunId, int invocationCount, string reason)
        => this.Send(new V1.DurableTaskResponse { ServerEvict = new V1.DurableTaskServerEvictNotice { DurableTaskExternalId = taskRunId, InvocationCount = invocationCount, Reason = reason } });

    /// <summary>Ends every open stream with UNAVAILABLE, as an engine restart or a network fault does.</summary>
    public void BreakStreams()
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Writer.TryComplete(new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the engine went away")));
        }
    }

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

    private void Send(V1.DurableTaskResponse response)
    {
        foreach (var stream in this.streams.Keys)
        {
            stream.Writer.TryWrite(response);
        }
    }

    // The task's durable event log gives each new entry the node after its last (pkg/repository/durable_events.go
    // line 1491), on the log's first branch, 1 (durable_events_test.go lines 354-355).
    private V1.DurableEventLogEntryRef NextEntry(string taskRunId, int invocationCount) => new()
    {
        DurableTaskExternalId = taskRunId,
        InvocationCount = invocationCount,
        BranchId = 1,
        NodeId = this.lastNode.AddOrUpdate(taskRunId, 1, (_, last) => last + 1),
    };

    private V1.DurableTaskResponse? Answering(V1.DurableTaskRequest request) => (request.MessageCase, this.Answers) switch
    {
        // handleRegisterWorker, lines 783-807: the worker's id back.
        (V1.DurableTaskRequest.MessageOneofCase.RegisterWorker, _) => new V1.DurableTaskResponse { RegisterWorker = new V1.DurableTaskResponseRegisterWorker { WorkerId = request.RegisterWorker.WorkerId } },
        (V1.DurableTaskRequest.MessageOneofCase.WaitFor or V1.DurableTaskRequest.MessageOneofCase.TriggerRuns, Answer.Nothing) => null,
        (V1.DurableTaskRequest.MessageOneofCase.WaitFor or V1.DurableTaskRequest.MessageOneofCase.TriggerRuns, Answer.NonDeterminism) => NonDeterminismError(request),

        // handleWaitFor, lines 1207-1216: the wait's entry acknowledged; its completion comes when it is satisfied.
        (V1.DurableTaskRequest.MessageOneofCase.WaitFor, _) => new V1.DurableTaskResponse
        {
            WaitForAck = new V1.DurableTaskEventWaitForAckResponse { Ref = this.NextEntry(request.WaitFor.DurableTaskExternalId, request.WaitFor.InvocationCount) },
        },

        // handleTriggerRuns, lines 1049-1060 and 1091-1095: one entry for each child, with the run it became.
        (V1.DurableTaskRequest.MessageOneofCase.TriggerRuns, _) => new V1.DurableTaskResponse
        {
            TriggerRunsAck = new V1.DurableTaskEventTriggerRunsAckResponse
            {
                DurableTaskExternalId = request.TriggerRuns.DurableTaskExternalId,
                InvocationCount = request.TriggerRuns.InvocationCount,
                RunEntries =
                {
                    request.TriggerRuns.TriggerOpts.Select(_ =>
                    {
                        var entry = this.NextEntry(request.TriggerRuns.DurableTaskExternalId, request.TriggerRuns.InvocationCount);
                        return new V1.DurableTaskRunAckEntry { NodeId = entry.NodeId, BranchId = entry.BranchId, WorkflowRunExternalId = Guid.NewGuid().ToString() };
                    }),
                },
            },
        },
        _ => null,
    };

    // sendNonDeterminismError, lines 818-833: the entry at the conflicting node, and the repository's message.
    private V1.DurableTaskResponse NonDeterminismError(V1.DurableTaskRequest request)
    {
        var (id, invocation) = request.MessageCase == V1.DurableTaskRequest.MessageOneofCase.WaitFor
            ? (request.WaitFor.DurableTaskExternalId, request.WaitFor.InvocationCount)
            : (request.TriggerRuns.DurableTaskExternalId, request.TriggerRuns.InvocationCount);
        return new V1.DurableTaskResponse
        {
            Error = new V1.DurableTaskErrorResponse
            {
                Ref = this.NextEntry(id, invocation),
                ErrorType = V1.DurableTaskErrorType.Nondeterminism,
                ErrorMessage = "non-determinism detected: the event log holds a different entry at this node",
            },
        };
    }

    private sealed class DurableTaskService(DurableTaskEngine engine) : V1.V1Dispatcher.V1DispatcherBase
    {
        public override async Task DurableTask(IAsyncStreamReader<V1.DurableTaskRequest> requestStream, IServerStreamWriter<V1.DurableTaskResponse> responseStream, ServerCallContext context)
        {
            var responses = Channel.CreateUnbounded<V1.DurableTaskResponse>();
            engine.streams[responses] = true;
            try
            {
                var writing = ResponsePump.Start(responses.Reader, responseStream, context.CancellationToken);
                var reading = Task.Run(
                    async () =>
                    {
                        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
                        {
                            engine.Received.Enqueue(request);
                            if (engine.Answering(request) is { } response)
                            {
                                responses.Writer.TryWrite(response);
                            }
                        }

                        responses.Writer.TryComplete();
                    },
                    CancellationToken.None);

                // The stream ends when the worker's requests end, or when the engine breaks it (a fault surfaces here).
                await writing;
                _ = reading;
            }
            finally
            {
                engine.streams.TryRemove(responses, out _);
            }
        }
    }
}
