using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Logs;

/// <summary>
/// Stands in for the Hatchet engine's <c>EventsService/PutLog</c> (<c>internal/services/ingestor/server.go</c> line
/// 206 and <c>server_v1.go</c> lines 70-130 at upstream 89d130f): the real protocol (gRPC over HTTP/2 on loopback,
/// the engine's own events.proto), recording every request as it arrived with its <c>authorization</c>; answering,
/// hanging until told to answer, or refusing with the status a test sets.
/// </summary>
internal sealed class LogEngine : IAsyncDisposable
{
    private readonly Lock gate = new();
    private TaskCompletionSource released = NewRelease();
    private Grpc.Core.Status? refusal;
    private bool hanging;
    private WebApplication? app;

    private LogEngine(Uri address) => this.Address = address;

    public Uri Address { get; }

    /// <summary>Gets every <c>PutLog</c> request received, in order of arrival, answered or not.</summary>
    public ConcurrentQueue<(PutLogRequest Request, string? Authorization)> Received { get; } = new();

    /// <summary>Gets or sets how long each call waits before it is answered, as a slow engine's would.</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>Gets the requests answered OK, in order.</summary>
    public ConcurrentQueue<PutLogRequest> Accepted { get; } = new();

    /// <summary>Starts the engine; over TLS with <paramref name="tls"/>'s server certificate when given.</summary>
    public static async Task<LogEngine> StartAsync(Example.TestCertificates? tls = null)
    {
        var engine = new LogEngine(new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}"));
        engine.app = await LoopbackGrpcServer.StartAsync(
            engine.Address.Port,
            engine,
            Map,
            listen: tls is null ? null : listen => listen.UseHttps(tls.Server));
        return engine;
    }

    /// <summary>
    /// One served by another stand-in's server at <paramref name="address"/>, beside its other services, as the engine
    /// serves <c>EventsService</c> beside the dispatcher (<c>internal/services/grpc/server.go</c> lines 355-361): that
    /// server gives it to its services as a singleton and maps it with <see cref="Map"/>.
    /// </summary>
    public static LogEngine Beside(Uri address) => new(address);

    /// <summary>Serves the stand-in's <c>EventsService</c> on a server that has it as a singleton.</summary>
    public static void Map(WebApplication app) => app.MapGrpcService<EventsIngestor>();

    /// <summary>Answers every call from now on, and the calls left hanging.</summary>
    public void Answer()
    {
        lock (this.gate)
        {
            this.hanging = false;
            this.refusal = null;
            this.released.TrySetResult();
        }
    }

    /// <summary>Holds every call from now on without an answer, as a stalled engine does, until <see cref="Answer"/>.</summary>
    public void Hang()
    {
        lock (this.gate)
        {
            this.hanging = true;
            this.released = NewRelease();
        }
    }

    /// <summary>Refuses every call from now on with the status given.</summary>
    public void Refuse(StatusCode code)
    {
        lock (this.gate)
        {
            this.hanging = false;
            this.refusal = new Grpc.Core.Status(code, $"refused by the test ({code})");
            this.released.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        this.Answer();
        if (this.app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await this.app.StopAsync(timeout.Token);
            await this.app.DisposeAsync();
        }
    }

    private static TaskCompletionSource NewRelease() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<PutLogResponse> PutLogAsync(PutLogRequest request, ServerCallContext context)
    {
        this.Received.Enqueue((request, context.RequestHeaders.GetValue("authorization")));
        Task release;
        lock (this.gate)
        {
            release = this.hanging ? this.released.Task : Task.CompletedTask;
        }

        await release.WaitAsync(context.CancellationToken);
        if (this.AnswerDelay > TimeSpan.Zero)
        {
            await Task.Delay(this.AnswerDelay, context.CancellationToken);
        }

        lock (this.gate)
        {
            if (this.refusal is { } refused)
            {
                throw new RpcException(refused);
            }
        }

        // server_v1.go lines 72-76: the run's id must be a UUID.
        if (!Guid.TryParse(request.TaskRunExternalId, out _))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "task external run id is not a valid uuid"));
        }

        this.Accepted.Enqueue(request);
        return new PutLogResponse();
    }

    private sealed class EventsIngestor(LogEngine engine) : EventsService.EventsServiceBase
    {
        public override Task<PutLogResponse> PutLog(PutLogRequest request, ServerCallContext context) => engine.PutLogAsync(request, context);
    }
}
