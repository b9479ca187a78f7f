using Grpc.Core;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// A worker whose code calls the generated client's blocking methods (<c>Register</c>, <c>Heartbeat</c>)
/// rather than the <c>...Async</c> ones: the interceptor reads them the same way, and a failure reaches the
/// caller as it came. No background loop runs here, so each status is the blocking call's doing.
/// </summary>
public sealed class BlockingCallTests
{
    [Fact]
    public async Task Blocking_register_describes_the_worker()
    {
        await using var worker = await InterceptedWorker.StartAsync();

        worker.Worker.Client.Register(TestWorker.Registration(slots: 3), cancellationToken: TestContext.Current.CancellationToken);

        worker.Health.Description!.Name.Should().Be("test-worker");
        worker.Health.Description.Slots.Should().Be(3);
    }

    [Fact]
    public async Task Blocking_step_event_starts_the_run_it_names()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        await Eventually.Until(() => worker.Health.TaskRuns.Waiting == 1, "the assignment to be read");

        worker.Worker.Client.SendStepActionEvent(
            new StepActionEvent { WorkerId = worker.Worker.WorkerId, TaskRunExternalId = "run-1", ActionId = "example:step", EventType = StepActionEventType.StepEventTypeStarted },
            cancellationToken: TestContext.Current.CancellationToken);

        worker.Health.TaskRuns.Waiting.Should().Be(0, "the run has started");
    }

    [Fact]
    public async Task Blocking_heartbeat_while_the_stream_is_open_makes_the_worker_healthy()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        var workerId = await RegisterAsync(worker);
        using var listen = await OpenListenStreamAsync(worker, workerId);

        Heartbeat(worker, workerId);

        // The heartbeat counts once the idle stream has settled (see ListenConnection).
        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Healthy, "the worker to be healthy");
    }

    [Fact]
    public async Task Refused_blocking_heartbeat_throws_to_the_caller_and_makes_the_worker_unhealthy()
    {
        await using var worker = await InterceptedWorker.StartAsync(options => options.HeartbeatTimeout = TimeSpan.FromMinutes(1));
        var workerId = await RegisterAsync(worker);
        using var listen = await OpenListenStreamAsync(worker, workerId);
        Heartbeat(worker, workerId);
        await Eventually.Until(() => worker.Health.Status == HatchetWorkerStatus.Healthy, "the worker to be healthy");
        worker.Dispatcher.Heartbeats = TestDispatcher.HeartbeatMode.Refuse;

        var refused = () => Heartbeat(worker, workerId);

        refused.Should().Throw<RpcException>().Which.StatusCode.Should().Be(StatusCode.FailedPrecondition);
        worker.Health.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Health.Evaluate().Reason.Should().Contain("the last heartbeat failed: FAILED_PRECONDITION");
    }

    private static async Task<string> RegisterAsync(InterceptedWorker worker)
        => (await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: TestContext.Current.CancellationToken)).WorkerId;

    private static async Task<AsyncServerStreamingCall<AssignedAction>> OpenListenStreamAsync(InterceptedWorker worker, string workerId)
    {
        var listen = worker.Worker.Client.ListenV2(new WorkerListenRequest { WorkerId = workerId }, cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 1, "the listen stream open at the dispatcher");
        return listen;
    }

    // The generated client's blocking method, not HeartbeatAsync.
    private static HeartbeatResponse Heartbeat(InterceptedWorker worker, string workerId)
        => worker.Worker.Client.Heartbeat(new HeartbeatRequest { WorkerId = workerId }, cancellationToken: TestContext.Current.CancellationToken);
}
