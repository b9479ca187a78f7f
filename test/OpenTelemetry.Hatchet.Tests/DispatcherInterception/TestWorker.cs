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
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];
    private readonly GrpcChannel? channel;

    private TestWorker(global::Dispatcher.DispatcherClient client, GrpcChannel? channel)
    {
        this.Client = client;
        this.channel = channel;
    }

    public global::Dispatcher.DispatcherClient Client { get; }

    /// <summary>Gets the id the dispatcher gave the worker when it registered.</summary>
    public string WorkerId { get; private set; } = string.Empty;

    /// <summary>Gets the task runs received on the listen stream, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<AssignedAction> Received { get; } = new();

    /// <summary>A client on its own channel to the dispatcher, wired with one <c>Intercept(...)</c> line.</summary>
    public static TestWorker Intercepted(Uri dispatcher, HatchetDispatcherInterceptor interceptor)
    {
        var channel = GrpcChannel.ForAddress(dispatcher);
        return new TestWorker(new global::Dispatcher.DispatcherClient(channel.Intercept(interceptor)), channel);
    }

    public static TestWorker On(global::Dispatcher.DispatcherClient client) => new(client, channel: null);

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
        this.loops.Add(Task.Run(() => this.ListenAsync(registered.WorkerId)));
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

    private async Task ListenAsync(string workerId)
    {
        while (!this.stopping.IsCancellationRequested)
        {
            try
            {
                using var call = this.Client.ListenV2(new WorkerListenRequest { WorkerId = workerId }, cancellationToken: this.stopping.Token);
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

            await Task.Delay(Backoff, this.stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task HeartbeatAsync(string workerId)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        try
        {
            do
            {
                try
                {
                    await this.Client.HeartbeatAsync(
                        new HeartbeatRequest { WorkerId = workerId, HeartbeatAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) },
                        deadline: DateTime.UtcNow + HeartbeatDeadline,
                        cancellationToken: this.stopping.Token);
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
}
