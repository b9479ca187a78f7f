using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// What a .NET Hatchet worker does with its generated client, nothing more: register, keep the listen stream
/// open (reconnecting after a short backoff), heartbeat on a timer with a deadline. It never calls
/// <see cref="HatchetWorkerHealth"/>: whatever the health knows, it learned from the interceptor.
/// </summary>
internal sealed class TestWorker : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan HeartbeatDeadline = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];
    private readonly GrpcChannel? channel;
    private readonly Pace pace;
    private int heartbeatsSucceeded;
    private long lastHeartbeatSucceeded;

    private TestWorker(global::Dispatcher.DispatcherClient client, GrpcChannel? channel, Pace? pace)
    {
        this.Client = client;
        this.channel = channel;
        this.pace = pace ?? Pace.Fast;
    }

    /// <summary>Gets a value indicating whether the listen loop reconnects after its stream ends (tests turn it off to see a worker that does not come back).</summary>
    public bool Reconnects { get; set; } = true;

    /// <summary>Gets how many heartbeats the dispatcher has accepted from this worker.</summary>
    public int HeartbeatsSucceeded => Volatile.Read(ref this.heartbeatsSucceeded);

    /// <summary>Gets the <see cref="System.Diagnostics.Stopwatch"/> timestamp of the last heartbeat that succeeded, as the worker saw it end.</summary>
    public long LastHeartbeatSucceeded => Volatile.Read(ref this.lastHeartbeatSucceeded);

    public global::Dispatcher.DispatcherClient Client { get; }

    /// <summary>Gets the id the dispatcher gave the worker when it registered.</summary>
    public string WorkerId { get; private set; } = string.Empty;

    /// <summary>Gets the task runs received on the listen stream, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<AssignedAction> Received { get; } = new();

    /// <summary>A client on its own channel to the dispatcher, wired with one <c>Intercept(...)</c> line.</summary>
    public static TestWorker Intercepted(Uri dispatcher, HatchetDispatcherInterceptor interceptor, Pace? pace = null)
    {
        var channel = GrpcChannel.ForAddress(dispatcher);
        return new TestWorker(new global::Dispatcher.DispatcherClient(channel.Intercept(interceptor)), channel, pace);
    }

    public static TestWorker On(global::Dispatcher.DispatcherClient client, Pace? pace = null) => new(client, channel: null, pace);

    public static WorkerRegisterRequest Registration(int slots = 10) => new()
    {
        WorkerName = "test-worker",
        Actions = { "example:step", "example:other" },
        Slots = slots,
        Labels = { ["zone"] = new WorkerLabels { StrValue = "eu" } },
    };

    /// <summary>Registers, then listens and heartbeats until disposed.</summary>
    public async Task StartAsync(WorkerRegisterRequest? registration = null)
    {
        var registered = await this.Client.RegisterAsync(registration ?? Registration(), cancellationToken: TestContext.Current.CancellationToken);
        this.WorkerId = registered.WorkerId;

        // As the Python SDK: the heartbeats start once the first listen call is made (get_listen_client).
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        this.loops.Add(Task.Run(() => this.ListenAsync(registered.WorkerId, listening)));
        await listening.Task;
        this.loops.Add(Task.Run(() => this.HeartbeatAsync(registered.WorkerId)));
    }

    public Task SendAsync(string taskRunId, StepActionEventType type)
        => this.Client.SendStepActionEventAsync(
            new StepActionEvent { WorkerId = this.WorkerId, TaskRunExternalId = taskRunId, ActionId = "example:step", EventType = type },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync;

    public async ValueTask DisposeAsync()
    {
        await this.stopping.CancelAsync();
        await Task.WhenAll(this.loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        this.stopping.Dispose();
        this.channel?.Dispose();
    }

    private async Task ListenAsync(string workerId, TaskCompletionSource listening)
    {
        while (!this.stopping.IsCancellationRequested)
        {
            try
            {
                using var call = this.Client.ListenV2(new WorkerListenRequest { WorkerId = workerId }, cancellationToken: this.stopping.Token);
                listening.TrySetResult();
                await foreach (var action in call.ResponseStream.ReadAllAsync(this.stopping.Token))
                {
                    this.Received.Enqueue(action);
                }
            }
            catch (RpcException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!this.Reconnects)
            {
                return;
            }

            await Task.Delay(this.pace.ReconnectBackoff, this.stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task HeartbeatAsync(string workerId)
    {
        using var timer = new PeriodicTimer(this.pace.HeartbeatInterval);
        try
        {
            do
            {
                try
                {
                    await this.Client.HeartbeatAsync(
                        new HeartbeatRequest { WorkerId = workerId, HeartbeatAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) },
                        deadline: DateTime.UtcNow + this.pace.HeartbeatDeadline,
                        cancellationToken: this.stopping.Token);
                    Volatile.Write(ref this.lastHeartbeatSucceeded, System.Diagnostics.Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref this.heartbeatsSucceeded);
                }
                catch (RpcException)
                {
                }
            }
            while (await timer.WaitForNextTickAsync(this.stopping.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>How often the worker heartbeats, with what deadline, and how long it waits before it listens again.</summary>
    public sealed record Pace(TimeSpan HeartbeatInterval, TimeSpan HeartbeatDeadline, TimeSpan ReconnectBackoff)
    {
        /// <summary>Fast, so that tests that only need a connected worker get one quickly.</summary>
        public static readonly Pace Fast = new(TestWorker.HeartbeatInterval, TestWorker.HeartbeatDeadline, TimeSpan.FromMilliseconds(100));

        /// <summary>
        /// The Python SDK's: a heartbeat every 4 s with a 5 s deadline (<c>action_listener.py</c> lines 80-96 at
        /// upstream 89d130f) and a new listen call 0.25 s after the stream ends (its first <c>exp_backoff_sleep</c>, 0.2-0.3 s,
        /// <c>utils/backoff.py</c>).
        /// </summary>
        public static readonly Pace Python = new(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(250));
    }
}
