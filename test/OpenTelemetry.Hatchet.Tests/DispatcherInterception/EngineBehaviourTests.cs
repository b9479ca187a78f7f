using System.Net;
using Grpc.Core;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// The test dispatcher behaves as the engine's <c>server.go</c> does where it changes the verdict, and the
/// interceptor reads those behaviours as the Python SDK would.
/// </summary>
public sealed class EngineBehaviourTests
{
    [Fact]
    public async Task Listen_v2_sends_no_response_headers_before_its_first_message()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        var cancel = TestContext.Current.CancellationToken;
        var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
        using var listen = worker.Worker.Client.ListenV2(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 1, "the stream open at the dispatcher");

        // An absence can only be seen by waiting: half a second is ample for headers already written on loopback.
        var early = await Task.WhenAny(listen.ResponseHeadersAsync, Task.Delay(TimeSpan.FromMilliseconds(500), cancel)) == listen.ResponseHeadersAsync;
        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        (await listen.ResponseStream.MoveNext(cancel)).Should().BeTrue();

        early.Should().BeFalse();
        listen.ResponseHeadersAsync.IsCompletedSuccessfully.Should().BeTrue("the headers come with the first message");
    }

    [Fact]
    public async Task Dispatcher_that_sends_headers_early_does_not_make_the_worker_healthy_before_a_heartbeat_succeeds()
    {
        // A connect timeout a loaded machine cannot reach between the Register and the heartbeat: STARTING is what is read.
        await using var worker = await InterceptedWorker.StartAsync(options => options.ListenerConnectTimeout = TimeSpan.FromSeconds(30));
        worker.Dispatcher.SendHeadersEarly = true;
        var cancel = TestContext.Current.CancellationToken;
        var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
        using var listen = worker.Worker.Client.ListenV2(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        await listen.ResponseHeadersAsync;

        var withHeaders = worker.Health.Status;
        await worker.Worker.Client.HeartbeatAsync(new HeartbeatRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);

        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY", timeout: TimeSpan.FromSeconds(1));

        withHeaders.Should().Be(HatchetWorkerStatus.Starting, "headers alone are not trusted: the heartbeat after the call was made decides");
    }

    [Fact]
    public async Task Heartbeat_before_the_first_listen_v2_is_accepted()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        var cancel = TestContext.Current.CancellationToken;
        var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);

        await worker.Worker.Client.HeartbeatAsync(new HeartbeatRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);

        worker.Dispatcher.HeartbeatsAccepted.Should().Be(1);
    }

    [Fact]
    public async Task Heartbeat_from_an_unknown_worker_is_not_found()
    {
        await using var dispatcher = await TestDispatcher.StartAsync();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(dispatcher.Address);
        var client = new global::Dispatcher.DispatcherClient(channel);

        var heartbeat = () => client.HeartbeatAsync(new HeartbeatRequest { WorkerId = Guid.NewGuid().ToString() }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync;

        (await heartbeat.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.NotFound);
    }

    [Fact]
    public async Task Heartbeat_after_the_listen_v2_session_ended_is_a_failed_precondition()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.RefuseListen = true;
        worker.Dispatcher.BreakStreams();
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 0, "the session to end");

        var heartbeat = () => worker.Worker.Client.HeartbeatAsync(new HeartbeatRequest { WorkerId = worker.Worker.WorkerId }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync;

        (await heartbeat.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.FailedPrecondition);
    }

    [Fact]
    public async Task Worker_that_names_no_slots_has_the_engines_hundred_less_the_runs_it_holds()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        var registration = TestWorker.Registration();
        registration.ClearSlots();
        await worker.Worker.StartAsync(registration);
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");

        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("run-1"));
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 1, "the run assigned");

        worker.Dispatcher.SlotsOf(worker.Worker.WorkerId).Should().Be(100);
        (await worker.MetricAsync("hatchet_worker_slots")).Should().Be(99);
    }

    [Fact]
    public async Task Runs_arriving_every_second_each_started_two_and_a_half_seconds_later_make_the_worker_unhealthy()
    {
        // No run waits as long as 1 s plus the 2 s threshold, but one is always waiting over 1 s (Python's clock).
        await using var worker = await InterceptedWorker.StartHealthyAsync(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(2));
        using var feeding = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var feeder = Task.Run(
            async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                for (var run = 0; run < 20 && await timer.WaitForNextTickAsync(feeding.Token); run++)
                {
                    var id = $"run-{run}";
                    worker.Dispatcher.Assign(TestDispatcher.StartStepRun(id));
                    _ = Task.Delay(TimeSpan.FromSeconds(2.5), feeding.Token).ContinueWith(_ => worker.Worker.SendAsync(id, StepActionEventType.StepEventTypeStarted), TaskScheduler.Default);
                }
            },
            feeding.Token);

        var blocked = await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY", timeout: TimeSpan.FromSeconds(15));
        await feeding.CancelAsync();
        await feeder.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        blocked.Body.Should().Be("""{"status":"UNHEALTHY"}""");
        worker.Health.Evaluate().Reason.Should().Contain("kept waiting more than 1 s to start");
    }
}
