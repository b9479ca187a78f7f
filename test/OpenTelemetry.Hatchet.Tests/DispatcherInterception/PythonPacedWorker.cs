using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// A worker paced and wired as the Python SDK's action listener (<c>sdks/python/hatchet_sdk/clients/dispatcher/
/// action_listener.py</c> at upstream 89d130f), on generated clients wired with the interceptor: a heartbeat every
/// 4 s with a 5 s deadline (lines 79-96, sleeping 4 s after each, line 139); a failed heartbeat interrupts the
/// listen stream (line 135), which is cancelled and opened again at once (lines 175-186) on a new channel
/// (<c>get_listen_client</c>, line 325), which later heartbeats use too; a stream that ends or fails is opened
/// again after <c>exp_backoff_sleep</c> (lines 189-192, 280-293, 300-319). Channels keep alive as
/// <c>connection.py</c> lines 59-63 set them. It records what it saw, with the time on the test's clock.
/// </summary>
internal sealed class PythonPacedWorker : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan HeartbeatDeadline = TimeSpan.FromSeconds(5);

    private readonly Uri address;
    private readonly HatchetDispatcherInterceptor interceptor;
    private readonly Stopwatch clock;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<GrpcChannel> channels = new();
    private Task listening = Task.CompletedTask;
    private Task heartbeating = Task.CompletedTask;
    private volatile global::Dispatcher.DispatcherClient client;
    private volatile CancellationTokenSource? interrupt;
    private string workerId = string.Empty;

    public PythonPacedWorker(Uri address, HatchetDispatcherInterceptor interceptor, Stopwatch clock)
    {
        this.address = address;
        this.interceptor = interceptor;
        this.clock = clock;
        this.client = this.NewClient();
    }

    /// <summary>Gets what happened to each heartbeat, in order: when its answer (or failure) came, and whether it succeeded.</summary>
    public ConcurrentQueue<(TimeSpan At, bool Succeeded, TimeSpan Sent)> Heartbeats { get; } = new();

    /// <summary>Gets the times listen calls were made.</summary>
    public ConcurrentQueue<TimeSpan> ListenCalls { get; } = new();

    public async Task StartAsync()
    {
        var registered = await this.client.RegisterAsync(TestWorker.Registration(), cancellationToken: TestContext.Current.CancellationToken);
        this.workerId = registered.WorkerId;
        this.listening = Task.Run(this.ListenAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await this.stopping.CancelAsync();
        await this.listening.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await this.heartbeating.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        this.stopping.Dispose();
        foreach (var channel in this.channels)
        {
            channel.Dispose();
        }
    }

    // The listen loop may have ended that call and disposed its source a moment before: then there is nothing to interrupt.
    private static void Interrupt(CancellationTokenSource? call)
    {
        try
        {
            call?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private global::Dispatcher.DispatcherClient NewClient()
    {
        // connection.py lines 59-63: a ping every 10 s, 60 s to answer, also with no call in flight.
        var channel = GrpcChannel.ForAddress(this.address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(60),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            },
        });
        this.channels.Enqueue(channel);
        return new global::Dispatcher.DispatcherClient(channel.Intercept(this.interceptor));
    }

    private async Task ListenAsync()
    {
        var retries = 0;
        var lastAttempt = TimeSpan.Zero;
        var stop = this.stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            // Lines 300-319: retries start over after a stream that lived 5 s; from the first retry on, a backoff.
            var now = this.clock.Elapsed;
            if (now - lastAttempt > TimeSpan.FromSeconds(5))
            {
                retries = 0;
            }

            if (retries >= 1)
            {
                var backoff = TimeSpan.FromSeconds(Math.Min((0.1 * Math.Pow(2, retries)) + (Random.Shared.NextDouble() * 0.1), 5));
                await Task.Delay(backoff, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            this.client = this.NewClient();
            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(stop);
            this.interrupt = interrupted;
            this.ListenCalls.Enqueue(this.clock.Elapsed);
            using var call = this.client.ListenV2(new WorkerListenRequest { WorkerId = this.workerId }, cancellationToken: interrupted.Token);
            lastAttempt = now;
            if (this.heartbeating.IsCompleted && !stop.IsCancellationRequested)
            {
                // Line 333: the heartbeater starts once the first listen call is made.
                this.heartbeating = Task.Run(this.HeartbeatAsync, CancellationToken.None);
            }

            try
            {
                await foreach (var unused in call.ResponseStream.ReadAllAsync(interrupted.Token))
                {
                    retries = 0;
                }

                // Lines 189-192: an end of the stream counts a retry.
                retries++;
            }
            catch (Exception exception) when (exception is RpcException or OperationCanceledException && interrupted.IsCancellationRequested)
            {
                // Interrupted by a failed heartbeat (lines 175-186): opened again at once, no retry counted.
            }
            catch (RpcException)
            {
                retries++;
            }
        }
    }

    private async Task HeartbeatAsync()
    {
        var stop = this.stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            var sent = this.clock.Elapsed;
            try
            {
                await this.client.HeartbeatAsync(
                    new HeartbeatRequest { WorkerId = this.workerId, HeartbeatAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) },
                    deadline: DateTime.UtcNow + HeartbeatDeadline,
                    cancellationToken: stop);
                this.Heartbeats.Enqueue((this.clock.Elapsed, true, sent));
            }
            catch (RpcException) when (!stop.IsCancellationRequested)
            {
                this.Heartbeats.Enqueue((this.clock.Elapsed, false, sent));
                Interrupt(this.interrupt);
            }
            catch (RpcException)
            {
                return;
            }

            try
            {
                await Task.Delay(HeartbeatInterval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
