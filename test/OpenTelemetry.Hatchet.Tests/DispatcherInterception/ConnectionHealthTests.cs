using System.Net;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// A worker whose generated client is wired with the interceptor, against a dispatcher speaking the real
/// protocol: <c>/health</c>, <c>/readyz</c> and <c>hatchet_worker_*</c> follow the connection with no call from worker code.
/// </summary>
public sealed class ConnectionHealthTests
{
    [Fact]
    public async Task Register_listen_and_heartbeats_make_the_worker_healthy()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();

        (await worker.Client.GetAsync("/readyz")).Status.Should().Be(HttpStatusCode.OK);
        (await worker.MetricAsync("hatchet_worker_status")).Should().Be(1);
        (await worker.MetricAsync("hatchet_worker_listener_health")).Should().Be(1);
        (await worker.MetricAsync("hatchet_worker_slots")).Should().Be(10);
        (await worker.MetricAsync("hatchet_worker_actions")).Should().Be(2);
        worker.Health.Description!.Name.Should().Be("test-worker");
        worker.Health.Description.Labels.Should().Contain("zone", "eu");
    }

    [Fact]
    public async Task Worker_is_starting_while_its_listen_stream_is_not_yet_connected()
    {
        await using var worker = await InterceptedWorker.StartAsync();

        var health = await worker.Client.GetAsync("/health");

        health.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        health.Body.Should().Be("""{"status":"STARTING"}""");
        (await worker.Client.GetAsync("/readyz")).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Never_connected_worker_is_starting_then_unhealthy_after_the_connect_timeout()
    {
        // A connect timeout long enough that a loaded machine still sees STARTING after a refused call (5 s
        // was once too short beside two mutation-testing sessions).
        await using var worker = await InterceptedWorker.StartAsync(options => options.ListenerConnectTimeout = TimeSpan.FromSeconds(10));
        worker.Dispatcher.RefuseListen = true;
        await worker.Worker.StartAsync();
        await Eventually.Until(() => worker.Dispatcher.ListenCalls >= 1, "a refused listen call");

        var during = await worker.Client.GetAsync("/health");
        var after = await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY", timeout: TimeSpan.FromSeconds(30));

        during.Body.Should().Contain("STARTING");
        worker.Host.Logs.Lines.SkipWhile(line => !line.Message.Contains("the listener is connecting", StringComparison.Ordinal))
            .Should().NotContain(line => line.Message.Contains("to Healthy", StringComparison.Ordinal), "a refused first connection must not look connected either");
        after.Body.Should().Be("""{"status":"UNHEALTHY"}""");

        // A change that time alone brings is logged by the monitor thread, up to half a second after a read sees it.
        await Eventually.Until(
            () => worker.Host.Logs.Lines.Any(line => line.Message.Contains("has not connected to the Hatchet dispatcher within 10 s", StringComparison.Ordinal)),
            "the change to UNHEALTHY to be logged with the connect timeout");
    }

    [Fact]
    public async Task Broken_stream_makes_the_worker_unhealthy_and_the_reconnect_healthy_again()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.RefuseListen = true;

        worker.Dispatcher.BreakStreams();
        var broken = await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");
        (await worker.MetricAsync("hatchet_worker_listener_health")).Should().Be(0);
        worker.Dispatcher.RefuseListen = false;
        var back = await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");

        broken.Body.Should().Be("""{"status":"UNHEALTHY"}""");
        worker.Host.Logs.Lines.Should().Contain(line => line.Message.Contains("lost its connection: UNAVAILABLE: the test dispatcher broke the stream", StringComparison.Ordinal));
        (await worker.Client.GetAsync("/readyz")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Stream_the_dispatcher_ends_makes_the_worker_unhealthy_saying_so()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.RefuseListen = true;

        worker.Dispatcher.EndStreams();
        var ended = await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");

        ended.Body.Should().Be("""{"status":"UNHEALTHY"}""");
        await Eventually.Until(
            () => worker.Host.Logs.Lines.Any(line => line.Message.Contains("lost its connection: the dispatcher ended the listen stream", StringComparison.Ordinal)),
            "the change to UNHEALTHY to be logged naming the ended stream");
    }

    [Fact]
    public async Task Refused_reconnects_never_look_connected_even_for_a_moment()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.RefuseListen = true;
        worker.Dispatcher.BreakStreams();
        await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");
        var breakSeen = worker.Host.Logs.Lines.Count;
        var refusedBefore = worker.Dispatcher.ListenCalls;

        // Each refusal answers with response headers, then fails: a dozen chances to look connected.
        await Eventually.Until(() => worker.Dispatcher.ListenCalls >= refusedBefore + 12, "a dozen refused reconnects");

        var changes = worker.Host.Logs.Lines.Skip(breakSeen).Where(line => line.Message.StartsWith("Hatchet worker status changed", StringComparison.Ordinal));
        changes.Should().BeEmpty("every status change after the break would be a moment the worker looked connected");
        worker.Health.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
    }

    [Fact]
    public async Task Refused_heartbeats_while_the_stream_stays_open_make_the_worker_unhealthy_at_once()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync(options => options.HeartbeatTimeout = TimeSpan.FromMinutes(1));

        worker.Dispatcher.Heartbeats = TestDispatcher.HeartbeatMode.Refuse;
        var refused = await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY", timeout: TimeSpan.FromSeconds(5));
        worker.Dispatcher.Heartbeats = TestDispatcher.HeartbeatMode.Accept;
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");

        refused.Body.Should().Contain("UNHEALTHY");
        worker.Dispatcher.OpenStreams.Should().Be(1);
        worker.Host.Logs.Lines.Should().Contain(line => line.Level == LogLevel.Warning && line.Message.Contains("the last heartbeat failed: FAILED_PRECONDITION", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stalled_heartbeats_make_the_worker_unhealthy_within_the_heartbeat_timeout()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        worker.Dispatcher.Heartbeats = TestDispatcher.HeartbeatMode.Stall;
        await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");

        clock.Elapsed.Should().BeLessThan(InterceptedWorker.HeartbeatTimeout + TimeSpan.FromSeconds(1));
        await Eventually.Until(
            () => worker.Host.Logs.Lines.Any(line => line.Message.Contains("DEADLINE_EXCEEDED", StringComparison.Ordinal) || line.Message.Contains("no heartbeat has succeeded", StringComparison.Ordinal)),
            "the change to UNHEALTHY to be logged with its cause (a staleness change is logged by the monitor thread, up to half a second later)");
    }

    [Fact]
    public async Task Unsubscribe_means_the_worker_is_shutting_down()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();

        await worker.Worker.Client.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = "worker-1" }, cancellationToken: TestContext.Current.CancellationToken);

        worker.Health.Evaluate().Reason.Should().Be("the worker is shutting down");
        (await worker.Client.GetAsync("/health")).Body.Should().Contain("UNHEALTHY");
    }

    [Fact]
    public async Task Old_listen_stream_stands_for_heartbeats_while_it_is_open()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        var cancel = TestContext.Current.CancellationToken;
        await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);

        using var listen = worker.Worker.Client.Listen(new WorkerListenRequest { WorkerId = "worker-1" }, cancellationToken: cancel);
        var reading = Task.Run(async () => await listen.ResponseStream.MoveNext(cancel), cancel);
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");
        await Task.Delay(InterceptedWorker.HeartbeatTimeout + TimeSpan.FromSeconds(0.5), cancel);
        var withoutHeartbeats = worker.Health.Status;
        worker.Dispatcher.BreakStreams();
        await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");

        withoutHeartbeats.Should().Be(HatchetWorkerStatus.Healthy, "the old engine keeps the heartbeat itself while the stream is open");
        worker.Dispatcher.HeartbeatsAccepted.Should().Be(0);
        await reading.Invoking(async read => await read).Should().ThrowAsync<Grpc.Core.RpcException>();
    }

    [Fact]
    public async Task Heartbeats_accepted_while_the_stream_is_down_do_not_hide_the_broken_stream()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.Heartbeats = TestDispatcher.HeartbeatMode.AcceptWithoutStream;
        worker.Dispatcher.RefuseListen = true;
        worker.Dispatcher.BreakStreams();
        await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");
        var acceptedBefore = worker.Dispatcher.HeartbeatsAccepted;

        await Eventually.Until(() => worker.Dispatcher.HeartbeatsAccepted >= acceptedBefore + 3, "three heartbeats accepted while the stream is down");

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Health.Evaluate().Reason.Should().Contain("lost its connection");
    }
}
