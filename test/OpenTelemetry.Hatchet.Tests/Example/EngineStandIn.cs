using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Hatchet.Tests.Logs;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>
/// An engine for the example worker's connection tests: the dispatcher and the v1 admin service on one port of
/// 127.0.0.1, over h2c or TLS (optionally requiring a client certificate), that can be stopped and started
/// again on the same port as an engine restart is, its state (the workers, as the engine's database) kept.
/// </summary>
/// <remarks>
/// Its dispatcher follows the engine's rules that matter here (<c>internal/services/dispatcher/server.go</c> at
/// upstream 89d130f): a heartbeat is refused with FAILED_PRECONDITION once a listen stream existed and none is
/// open, and NOT_FOUND for an unknown worker. It keeps a journal of the calls, in order, for the stop-order test. It
/// hands out the task runs a test assigns, records the worker's events about them, and serves
/// <c>EventsService/PutLog</c> on the same port, as the engine does (<see cref="Logs"/>).
/// </remarks>
internal sealed class EngineStandIn : IAsyncDisposable
{
    private readonly TestCertificates? certificates;
    private readonly bool requireClientCertificate;
    private readonly ConcurrentDictionary<Channel<AssignedAction>, byte> streams = new();
    private WebApplication? app;

    private EngineStandIn(TestCertificates? certificates, bool requireClientCertificate)
    {
        this.certificates = certificates;
        this.requireClientCertificate = requireClientCertificate;
        this.Logs = LogEngine.Beside(new Uri($"{(certificates is null ? "http" : "https")}://{this.HostPort}"));
    }

    public int Port { get; } = FreeTcpPort.Next();

    public string HostPort => $"127.0.0.1:{this.Port}";

    public TestAdminService.Workflows Workflows { get; } = new();

    public ConcurrentQueue<WorkerRegisterRequest> Registrations { get; } = new();

    /// <summary>Gets the calls in the order they happened: "register", "listen-opened", "listen-ended", "heartbeat", "heartbeat-refused", "unsubscribe".</summary>
    public ConcurrentQueue<string> Journal { get; } = new();

    /// <summary>Gets every <c>SendStepActionEvent</c> the worker sent, in order of arrival.</summary>
    public ConcurrentQueue<StepActionEvent> Events { get; } = new();

    /// <summary>Gets the engine's <c>EventsService</c>, on the same port: every <c>PutLog</c> it received, with every field.</summary>
    public LogEngine Logs { get; }

    /// <summary>Gets the subjects of the client certificates the engine was shown.</summary>
    public ConcurrentQueue<string> ClientCertificates { get; } = new();

    public int OpenStreams => this.openStreams;

    /// <summary>
    /// Gets or sets a value indicating whether the engine is one older than <c>ListenV2</c> and <c>Heartbeat</c> (both
    /// came in hatchet-dev/hatchet#308): it answers them UNIMPLEMENTED, as grpc-go answers a method it does not
    /// have, and serves the old <c>Listen</c>.
    /// </summary>
    public bool WithoutListenV2 { get; set; }

    /// <summary>
    /// Gets or sets how many of the next heartbeats fail as when the engine cannot write the worker's heartbeat to
    /// its database (<c>server.go</c> lines 443-453 return the error as it is, which grpc-go sends as UNKNOWN).
    /// </summary>
    public int HeartbeatsToFail
    {
        get => Volatile.Read(ref this.heartbeatsToFail);
        set => Volatile.Write(ref this.heartbeatsToFail, value);
    }

    private int openStreams;
    private bool listenerEstablished;
    private int heartbeatsToFail;

    public static async Task<EngineStandIn> StartAsync(TestCertificates? certificates = null, bool requireClientCertificate = false)
    {
        var engine = new EngineStandIn(certificates, requireClientCertificate);
        await engine.StartAsync();
        return engine;
    }

    /// <summary>Starts (again) on the same port.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, this.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (this.certificates is { } tls)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = tls.Server,
                    ClientCertificateMode = this.requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
                    ClientCertificateValidation = (certificate, _, _) => tls.Issued(certificate),
                });
            }
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        builder.Services.AddSingleton(this.Workflows);
        builder.Services.AddSingleton(this.Logs);
        var application = builder.Build();
        application.MapGrpcService<Dispatcher>();
        application.MapGrpcService<TestAdminService>();
        LogEngine.Map(application);
        await application.StartAsync(TestContext.Current.CancellationToken);
        this.app = application;
    }

    /// <summary>Stops at once, its connections cut, as an engine that crashes or is killed does.</summary>
    public async Task StopAsync()
    {
        if (this.app is { } application)
        {
            this.app = null;
            await application.StopAsync(new CancellationToken(canceled: true));
            await application.DisposeAsync();
        }
    }

    /// <summary>
    /// Hands a task run to the worker on its open listen stream, as <c>sendTasksToWorker</c> does
    /// (<c>internal/services/dispatcher/dispatcher.go</c> lines 1059-1070: the first session that takes it).
    /// </summary>
    public void Assign(AssignedAction action)
    {
        if (!this.streams.Keys.Any(stream => stream.Writer.TryWrite(action)))
        {
            throw new InvalidOperationException("No listen stream is open to assign the run on.");
        }
    }

    public ValueTask DisposeAsync() => new(this.StopAsync());

    private sealed class Dispatcher(EngineStandIn engine) : global::Dispatcher.DispatcherBase
    {
        private const string WorkerId = "8d9c0c4e-5b1f-4c55-9d3e-0a7e8f1b2c3d";

        public override Task<WorkerRegisterResponse> Register(WorkerRegisterRequest request, ServerCallContext context)
        {
            engine.Registrations.Enqueue(request);
            engine.Journal.Enqueue("register");
            if (context.GetHttpContext().Connection.ClientCertificate is { } certificate)
            {
                engine.ClientCertificates.Enqueue(certificate.Subject);
            }

            return Task.FromResult(new WorkerRegisterResponse { TenantId = HatchetTestTokens.Tenant, WorkerId = WorkerId, WorkerName = request.WorkerName });
        }

        public override Task ListenV2(WorkerListenRequest request, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
            => engine.WithoutListenV2 ? throw Unknown(nameof(this.ListenV2)) : this.HoldAsync(responseStream, context, session: true);

        // server.go lines 239-277: the old Listen keeps the worker's heartbeat itself while it is open.
        public override Task Listen(WorkerListenRequest request, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
            => this.HoldAsync(responseStream, context, session: false);

        public override Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
        {
            if (engine.WithoutListenV2)
            {
                throw Unknown(nameof(this.Heartbeat));
            }

            if (request.WorkerId != WorkerId)
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, "worker not found"));
            }

            // server.go line 437, Heartbeat: LastListenerEstablished.Valid && !IsActive.
            if (engine.listenerEstablished && engine.openStreams == 0)
            {
                engine.Journal.Enqueue("heartbeat-refused");
                throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, "Heartbeat rejected, worker stream is not active"));
            }

            var toFail = engine.HeartbeatsToFail;
            if (toFail > 0 && Interlocked.CompareExchange(ref engine.heartbeatsToFail, toFail - 1, toFail) == toFail)
            {
                engine.Journal.Enqueue("heartbeat-failed");
                throw new RpcException(new Grpc.Core.Status(StatusCode.Unknown, "could not update worker heartbeat"));
            }

            engine.Journal.Enqueue("heartbeat");
            return Task.FromResult(new HeartbeatResponse());
        }

        public override Task<ActionEventResponse> SendStepActionEvent(StepActionEvent request, ServerCallContext context)
        {
            engine.Events.Enqueue(request);

            // server.go lines 1287-1297 (sendStepActionEventV1): a run id that is not a UUID is INVALID_ARGUMENT; else
            // the event is taken and answered with the tenant and the worker (lines 1455-1458 and 1515-1518).
            if (!Guid.TryParse(request.TaskRunExternalId, out _))
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, $"invalid task external run id {request.TaskRunExternalId}"));
            }

            return Task.FromResult(new ActionEventResponse { TenantId = HatchetTestTokens.Tenant, WorkerId = request.WorkerId });
        }

        public override Task<WorkerUnsubscribeResponse> Unsubscribe(WorkerUnsubscribeRequest request, ServerCallContext context)
        {
            engine.Journal.Enqueue("unsubscribe");
            return Task.FromResult(new WorkerUnsubscribeResponse { TenantId = HatchetTestTokens.Tenant, WorkerId = request.WorkerId });
        }

        // grpc-go's answer to a method the server does not have (server.go, handleStream: "unknown method").
        private static RpcException Unknown(string method)
            => new(new Grpc.Core.Status(StatusCode.Unimplemented, $"unknown method {method} for service Dispatcher"));

        // A ListenV2 call is a session (server.go lines 335-354), which the heartbeat rule reads; the old Listen is not.
        private async Task HoldAsync(IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context, bool session)
        {
            var assigned = Channel.CreateUnbounded<AssignedAction>();
            engine.streams[assigned] = 0;
            Interlocked.Increment(ref engine.openStreams);
            engine.listenerEstablished |= session;
            engine.Journal.Enqueue("listen-opened");

            // The stream ends when the worker ends it: recorded in the cancellation's own callback, not when the loop
            // below next runs (a channel's reader resumes on the thread pool, which let a call that came after the
            // end, the worker's Unsubscribe, be journaled before it: seen once in a full run).
            var ended = 0;
            void End()
            {
                if (Interlocked.Exchange(ref ended, 1) == 0)
                {
                    engine.streams.TryRemove(assigned, out _);
                    Interlocked.Decrement(ref engine.openStreams);
                    engine.Journal.Enqueue("listen-ended");
                }
            }

            using var ending = context.CancellationToken.Register(End);
            try
            {
                // Like grpc-go, nothing is sent on the stream but the runs assigned to the worker (subscribed_worker_v1.go
                // lines 25-60, StartTaskFromBulk); it stays open until the worker or a stop ends it.
                await foreach (var action in assigned.Reader.ReadAllAsync(context.CancellationToken))
                {
                    await responseStream.WriteAsync(action, context.CancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                End();
            }
        }
    }
}
