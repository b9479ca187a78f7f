using Grpc.Core;

namespace WorkerService;

/// <summary>
/// A minimal Hatchet worker on a client generated from dispatcher.proto: it registers, keeps the ListenV2
/// stream open (reconnecting with exponential backoff), heartbeats every 4 s with a 5 s deadline, and answers
/// each task run with STARTED then COMPLETED. It never calls HatchetWorkerHealth: the interceptor the client
/// is wired with tells the healthcheck everything.
/// </summary>
internal sealed partial class HatchetWorkerLoop(Dispatcher.DispatcherClient client, HatchetConnection connection, ILogger<HatchetWorkerLoop> logger) : BackgroundService
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan HeartbeatDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);

    private readonly Metadata headers = connection.Token is { Length: > 0 } token ? new Metadata { { "authorization", $"Bearer {token}" } } : [];
    private string workerId = string.Empty;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Tells the engine, and through the interceptor the healthcheck, that the worker is going away.
        try
        {
            await client.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = this.workerId }, this.headers, DateTime.UtcNow.AddSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException exception)
        {
            LogCallFailed(logger, "Unsubscribe", exception.Status.ToString());
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = FirstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var registered = await client.RegisterAsync(
                    new WorkerRegisterRequest
                    {
                        WorkerName = "example-worker",
                        Actions = { "example:step" },
                        SlotConfig = { ["default"] = 10 },
                        Labels = { ["example"] = new WorkerLabels { StrValue = "true" } },
                        RuntimeInfo = new RuntimeInfo { Language = SDKS.Unknown, LanguageVersion = Environment.Version.ToString() },
                    },
                    this.headers,
                    cancellationToken: stoppingToken).ConfigureAwait(false);
                this.workerId = registered.WorkerId;
                break;
            }
            catch (RpcException exception)
            {
                LogCallFailed(logger, "Register", exception.Status.ToString());
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = Next(backoff);
            }
        }

        await Task.WhenAll(this.ListenAsync(stoppingToken), this.HeartbeatAsync(stoppingToken)).ConfigureAwait(false);
    }

    private static TimeSpan Next(TimeSpan backoff) => backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var backoff = FirstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var call = client.ListenV2(new WorkerListenRequest { WorkerId = this.workerId }, this.headers, cancellationToken: stoppingToken);
                await foreach (var action in call.ResponseStream.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                {
                    backoff = FirstBackoff;
                    if (action.ActionType == ActionType.StartStepRun)
                    {
                        await this.RunAsync(action, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (RpcException exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogCallFailed(logger, "ListenV2", exception.Status.ToString());
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = Next(backoff);
        }
    }

    private async Task RunAsync(AssignedAction action, CancellationToken stoppingToken)
    {
        await this.SendAsync(action, StepActionEventType.StepEventTypeStarted, stoppingToken).ConfigureAwait(false);
        LogTaskRun(logger, action.ActionId, action.TaskRunExternalId);
        await this.SendAsync(action, StepActionEventType.StepEventTypeCompleted, stoppingToken, payload: """{"done":true}""").ConfigureAwait(false);
    }

    private async Task SendAsync(AssignedAction action, StepActionEventType type, CancellationToken stoppingToken, string payload = "")
    {
        try
        {
            await client.SendStepActionEventAsync(
                new StepActionEvent
                {
                    WorkerId = this.workerId,
                    TaskRunExternalId = action.TaskRunExternalId,
                    ActionId = action.ActionId,
                    EventTimestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow),
                    EventType = type,
                    EventPayload = payload,
                },
                this.headers,
                cancellationToken: stoppingToken).ConfigureAwait(false);
        }
        catch (RpcException exception)
        {
            LogCallFailed(logger, "SendStepActionEvent", exception.Status.ToString());
        }
    }

    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        try
        {
            do
            {
                try
                {
                    await client.HeartbeatAsync(
                        new HeartbeatRequest { WorkerId = this.workerId, HeartbeatAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) },
                        this.headers,
                        DateTime.UtcNow + HeartbeatDeadline,
                        stoppingToken).ConfigureAwait(false);
                }
                catch (RpcException exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogCallFailed(logger, "Heartbeat", exception.Status.ToString());
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task run {TaskRunId} of {Action} done")]
    private static partial void LogTaskRun(ILogger logger, string action, string taskRunId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hatchet {Call} failed: {Status}")]
    private static partial void LogCallFailed(ILogger logger, string call, string status);
}
