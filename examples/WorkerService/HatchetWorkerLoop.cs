using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1;

namespace WorkerService;

/// <summary>
/// A minimal Hatchet worker on clients generated from the engine's protos: it registers its workflow
/// (<c>AdminService.PutWorkflow</c>) and itself (<c>Register</c>), keeps the <c>ListenV2</c> stream open, heartbeats,
/// runs the task runs it is given, and on stop ends its stream, lets its runs finish, stops heartbeating and
/// unsubscribes, in that order. It never calls HatchetWorkerHealth: the interceptor the dispatcher client is
/// wired with tells the healthcheck everything.
/// </summary>
/// <remarks>Upstream lines are cited beside each behaviour; all are from <c>hatchet-dev/hatchet</c> at 89d130f.</remarks>
internal sealed partial class HatchetWorkerLoop : BackgroundService
{
    // clients/dispatcher/dispatcher.py line 40: Register (and the calls beside it) get 30 s.
    private static readonly TimeSpan RegisterDeadline = TimeSpan.FromSeconds(30);

    // clients/dispatcher/action_listener.py lines 79-96 and 139: a heartbeat every 4 s, each with 5 s to answer.
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan HeartbeatDeadline = TimeSpan.FromSeconds(5);

    // Not upstream: after a failed heartbeat the next one goes 1 s later, not 4 s, so that a worker whose stream is
    // back is seen HEALTHY soon; the engine accepts heartbeats at any rate.
    private static readonly TimeSpan HeartbeatRetryInterval = TimeSpan.FromSeconds(1);

    // action_listener.py lines 298-305 and 314-319: the listen stream reconnects after 0.1 s x 2^retries with jitter,
    // at most 5 s there; 1 s here so the worker is back within 5 s of the engine. Retries start again from 0 when the
    // last stream lived longer than 5 s (run_event_listener.py line 24, DEFAULT_ACTION_LISTENER_RETRY_INTERVAL).
    private static readonly TimeSpan MaxListenBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongLivedStream = TimeSpan.FromSeconds(5);

    // action_listener.py lines 363-368: Unsubscribe gets 5 s.
    private static readonly TimeSpan UnsubscribeDeadline = TimeSpan.FromSeconds(5);

    private readonly Dispatcher.DispatcherClient dispatcher;
    private readonly AdminService.AdminServiceClient admin;
    private readonly HatchetConnection connection;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<HatchetWorkerLoop> logger;
    private readonly Metadata headers;
    private readonly TaskRuns runs;
    private readonly CancellationTokenSource listenStop = new();
    private readonly CancellationTokenSource heartbeatStop = new();
    private Task listening = Task.CompletedTask;
    private Task heartbeating = Task.CompletedTask;
    private string workerId = string.Empty;

    // An engine older than ListenV2 and Heartbeat (both came in hatchet-dev/hatchet#308) answers them UNIMPLEMENTED:
    // the Go SDK then listens on the old Listen (pkg/client/action_listener.go lines 149-153), on which the engine
    // records the worker's heartbeat itself (internal/services/dispatcher/server.go lines 239-277).
    private volatile bool oldListen;

    // action_listener.py lines 134-135 and 175-185: a failed heartbeat interrupts the listen call, which is cancelled
    // and made again, so that a stream stuck on a connection the engine no longer serves does not outlive it.
    private CancellationTokenSource? listenInterrupt;

    public HatchetWorkerLoop(Dispatcher.DispatcherClient dispatcher, AdminService.AdminServiceClient admin, HatchetConnection connection, IHostApplicationLifetime lifetime, ILogger<HatchetWorkerLoop> logger, ILoggerFactory loggers)
    {
        this.dispatcher = dispatcher;
        this.admin = admin;
        this.connection = connection;
        this.lifetime = lifetime;
        this.logger = logger;

        // utils/api_auth.py: every call carries ("authorization", "bearer " + token).
        this.headers = new Metadata { { "authorization", connection.Authorization } };
        this.runs = new TaskRuns(dispatcher, this.headers, logger, loggers.CreateLogger(typeof(ExampleWorkflow)));
    }

    /// <summary>
    /// Stops in the Python SDK's order (<c>worker/action_listener_process.py</c> lines 536-562 and 595-620):
    /// the listen stream first, so no new run arrives; then the runs in progress finish and their events are
    /// sent; only then heartbeats stop and the worker unsubscribes (<c>action_listener.py</c> lines 347-375).
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await this.listenStop.CancelAsync().ConfigureAwait(false);
        await this.listening.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await this.runs.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogDrainCut(this.logger);
        }

        await this.heartbeatStop.CancelAsync().ConfigureAwait(false);
        await this.heartbeating.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (this.workerId.Length > 0)
        {
            try
            {
                // Through the interceptor this also tells the healthcheck that the worker is going away.
                await this.dispatcher.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = this.workerId }, this.headers, DateTime.UtcNow + UnsubscribeDeadline, cancellationToken).ConfigureAwait(false);
                LogUnsubscribed(this.logger, this.workerId);
            }
            catch (RpcException exception)
            {
                LogCallFailed(this.logger, "Unsubscribe", exception.Status);
            }
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        this.listenStop.Dispose();
        this.heartbeatStop.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogConnecting(this.logger, this.connection.Address, this.connection.Tls.Strategy, this.connection.Tls.ServerName, this.connection.TenantId);
        try
        {
            // worker/worker.py lines 402-403 and 346-355: the workflows are registered before the worker itself.
            await this.CallUntilAnsweredAsync(
                "PutWorkflow",
                token => this.admin.PutWorkflowAsync(ExampleWorkflow.Definition(), this.headers, DateTime.UtcNow + RegisterDeadline, token).ResponseAsync,
                stoppingToken).ConfigureAwait(false);

            // clients/dispatcher/dispatcher.py lines 84-104: name, actions, services ["default"] (action_listener_process.py
            // line 332), labels, slot config and the runtime.
            var registered = await this.CallUntilAnsweredAsync(
                "Register",
                token => this.dispatcher.RegisterAsync(
                    new WorkerRegisterRequest
                    {
                        WorkerName = "example-worker",
                        Actions = { ExampleWorkflow.Action },
                        Services = { "default" },
                        SlotConfig = { ["default"] = 10 },
                        Labels = { ["example"] = new WorkerLabels { StrValue = "true" } },
                        RuntimeInfo = WorkerRuntime.Describe(),
                    },
                    this.headers,
                    DateTime.UtcNow + RegisterDeadline,
                    token).ResponseAsync,
                stoppingToken).ConfigureAwait(false);
            this.workerId = this.runs.WorkerId = registered.WorkerId;
            LogRegistered(this.logger, registered.WorkerId, registered.TenantId);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (RpcException exception)
        {
            // worker.py lines 346-355: a worker whose workflow or registration is refused for good exits with an error.
            LogRefused(this.logger, exception.Status);
            Environment.ExitCode = 1;
            this.lifetime.StopApplication();
            return;
        }

        this.listening = this.ListenAsync(this.listenStop.Token);
        this.heartbeating = this.HeartbeatAsync(this.heartbeatStop.Token);
        await Task.WhenAll(this.listening, this.heartbeating).ConfigureAwait(false);
    }

    private async Task<T> CallUntilAnsweredAsync<T>(string call, Func<CancellationToken, Task<T>> send, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await send(stoppingToken).ConfigureAwait(false);
            }
            catch (RpcException exception) when (HatchetRetry.IsRetryable(exception.StatusCode) && !stoppingToken.IsCancellationRequested)
            {
                LogCallFailed(this.logger, call, exception.Status);
                await Task.Delay(HatchetRetry.Backoff(attempt + 2, TimeSpan.FromSeconds(5)), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var retries = 0;
        while (!stop.IsCancellationRequested)
        {
            var opened = DateTime.UtcNow;
            var method = this.oldListen ? "Listen" : "ListenV2";
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Volatile.Write(ref this.listenInterrupt, interrupt);
            try
            {
                // Waits for the channel to be connected rather than failing at once while the engine is away, so
                // the stream is open again as soon as the channel reconnects.
                var request = new WorkerListenRequest { WorkerId = this.workerId };
                var options = new CallOptions(this.headers, cancellationToken: interrupt.Token).WithWaitForReady();
                using var call = this.oldListen ? this.dispatcher.Listen(request, options) : this.dispatcher.ListenV2(request, options);
                await foreach (var action in call.ResponseStream.ReadAllAsync(interrupt.Token).ConfigureAwait(false))
                {
                    retries = 0;
                    this.Handle(action);
                }

                // action_listener.py lines 189-192: a stream the engine ends is reconnected like a broken one.
                LogCallFailed(this.logger, method, new Status(StatusCode.OK, "the engine ended the stream"));
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unimplemented && !this.oldListen && !stop.IsCancellationRequested)
            {
                LogOldEngine(this.logger, exception.Status);
                this.oldListen = true;
                continue;
            }
            catch (Exception exception) when (exception is OperationCanceledException or RpcException && interrupt.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                // Made again at once: the heartbeats pace it (one a second while they fail), and the new call is
                // open well before the next heartbeat, which the engine refuses while no stream is.
                LogListenInterrupted(this.logger, method);
                continue;
            }
            catch (RpcException exception) when (!stop.IsCancellationRequested)
            {
                LogCallFailed(this.logger, method, exception.Status);
            }
            catch (Exception exception) when (exception is OperationCanceledException or RpcException && stop.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                Interlocked.CompareExchange(ref this.listenInterrupt, null, interrupt);
            }

            retries = DateTime.UtcNow - opened > LongLivedStream ? 1 : retries + 1;
            try
            {
                await Task.Delay(HatchetRetry.Backoff(retries, MaxListenBackoff), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Handle(AssignedAction action)
    {
        // worker/action_listener_process.py lines 484-512: start runs; cancellations and batches are logged.
        switch (action.ActionType)
        {
            case ActionType.StartStepRun:
                this.runs.Start(action);
                break;
            default:
                LogNotRun(this.logger, action.ActionType, action.TaskRunExternalId);
                break;
        }
    }

    private async Task HeartbeatAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var next = HeartbeatInterval;
            try
            {
                await this.dispatcher.HeartbeatAsync(
                    new HeartbeatRequest { WorkerId = this.workerId, HeartbeatAt = Timestamp.FromDateTime(DateTime.UtcNow) },
                    this.headers,
                    DateTime.UtcNow + HeartbeatDeadline,
                    stop).ConfigureAwait(false);
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unimplemented)
            {
                // action_listener.py lines 137-138 (and the Go SDK's action_listener.go lines 89-91): an engine
                // without Heartbeat gets none.
                LogCallFailed(this.logger, "Heartbeat", exception.Status);
                return;
            }
            catch (RpcException exception) when (!stop.IsCancellationRequested)
            {
                LogCallFailed(this.logger, "Heartbeat", exception.Status);
                next = HeartbeatRetryInterval;
                this.InterruptListening();
            }
            catch (RpcException)
            {
                return;
            }

            try
            {
                await Task.Delay(next, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void InterruptListening()
    {
        try
        {
            Volatile.Read(ref this.listenInterrupt)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call it belonged to has just ended of itself; the next one is made anyway.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A heartbeat failed: the {Call} stream is made again, as the Python SDK does")]
    private static partial void LogListenInterrupted(ILogger logger, string call);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connecting to the Hatchet engine at {Address} (TLS {Strategy}, server name {ServerName}) for tenant {TenantId}")]
    private static partial void LogConnecting(ILogger logger, Uri address, HatchetTlsStrategy strategy, string serverName, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with the Hatchet engine as worker {WorkerId} of tenant {TenantId}")]
    private static partial void LogRegistered(ILogger logger, string workerId, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsubscribed worker {WorkerId} from the Hatchet engine")]
    private static partial void LogUnsubscribed(ILogger logger, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Received {ActionType} for task run {TaskRunId}: the example's task is too short to cancel and runs no batches")]
    private static partial void LogNotRun(ILogger logger, ActionType actionType, string taskRunId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hatchet {Call} failed: {Status}")]
    private static partial void LogCallFailed(ILogger logger, string call, Status status);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Hatchet engine has no ListenV2 ({Status}): listening on the old Listen, as the Go SDK does")]
    private static partial void LogOldEngine(ILogger logger, Status status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The host's stop timeout ended before every task run had finished")]
    private static partial void LogDrainCut(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The Hatchet engine refused this worker for good: {Status}. Check HATCHET_CLIENT_TOKEN and the engine's logs.")]
    private static partial void LogRefused(ILogger logger, Status status);
}
