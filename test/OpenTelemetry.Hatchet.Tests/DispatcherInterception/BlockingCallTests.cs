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
    public async Task Blocking_heartbeat_while_the_stream_is_open_makes_the_worker_healthy()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        using var listen = await OpenListenStreamAsync(worker);

        Heartbeat(worker);

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public async Task Refused_blocking_heartbeat_throws_to_the_caller_and_makes_the_worker_unhealthy()
    {
        await using var worker = await InterceptedWorker.StartAsync(options => options.HeartbeatTimeout = TimeSpan.FromMinutes(1));
        using var listen = await OpenListenStreamAsync(worker);
        Heartbeat(worker);
        worker.Dispatcher.Heartbeats = TestDispatcher.HeartbeatMode.Refuse;

        var refused = () => Heartbeat(worker);

        refused.Should().Throw<RpcException>().Which.StatusCode.Should().Be(StatusCode.FailedPrecondition);
        worker.Health.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Health.Evaluate().Reason.Should().Contain("the last heartbeat failed: FAILED_PRECONDITION");
    }

    private static async Task<AsyncServerStreamingCall<AssignedAction>> OpenListenStreamAsync(InterceptedWorker worker)
    {
        var listen = worker.Worker.Client.ListenV2(new WorkerListenRequest { WorkerId = "worker-1" }, cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 1, "the listen stream open at the dispatcher");
        return listen;
    }

    // The generated client's blocking method, not HeartbeatAsync.
    private static HeartbeatResponse Heartbeat(InterceptedWorker worker)
        => worker.Worker.Client.Heartbeat(new HeartbeatRequest { WorkerId = "worker-1" }, cancellationToken: TestContext.Current.CancellationToken);
}
