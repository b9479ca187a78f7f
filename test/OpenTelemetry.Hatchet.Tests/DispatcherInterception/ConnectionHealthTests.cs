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

        // The engine refuses heartbeats once the session has ended; on a loaded machine such a refusal can reach
        // the worker before the stream's break does and be logged as the cause. Here the break must be the only one.
        worker.Dispatcher.Heartbeats = TestDispatcher.HeartbeatMode.AcceptWithoutStream;

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
    public async Task Unsubscribe_makes_the_worker_unhealthy_saying_so()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();

        await worker.Worker.Client.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = worker.Worker.WorkerId }, cancellationToken: TestContext.Current.CancellationToken);

        worker.Health.Evaluate().Reason.Should().Be("the worker unsubscribed from the Hatchet dispatcher");
        (await worker.Client.GetAsync("/health")).Body.Should().Contain("UNHEALTHY");
    }

    [Fact]
    public async Task Registration_retried_more_often_than_the_connect_timeout_still_turns_unhealthy_when_it_passes()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        await worker.Dispatcher.DisposeAsync();
        var cancel = TestContext.Current.CancellationToken;

        // The engine is down: the worker retries its registration twice a second, as a worker loop with backoff does.
        var unhealthy = Eventually.Until(
            async () =>
            {
                try
                {
                    await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
                }
                catch (Grpc.Core.RpcException)
                {
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancel);
                return await worker.Client.GetAsync("/health");
            },
            reply => reply.Body.Contains("UNHEALTHY", StringComparison.Ordinal),
            "the connect timeout to pass although every retry says the worker is connecting",
            InterceptedWorker.ConnectTimeout + TimeSpan.FromSeconds(5));

        (await unhealthy).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        worker.Health.Evaluate().Reason.Should().Contain("has not connected");
    }

    [Fact]
    public async Task New_registration_after_an_unsubscribe_starts_afresh_and_becomes_healthy()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        var cancel = TestContext.Current.CancellationToken;
        await worker.Worker.Client.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = worker.Worker.WorkerId }, cancellationToken: cancel);
        await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");

        await using var again = TestWorker.On(worker.Worker.Client);
        await again.StartAsync();
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");

        again.WorkerId.Should().NotBe(worker.Worker.WorkerId, "the engine gives every registration a new worker id");
    }

    [Fact]
    public async Task Idle_old_listen_stream_with_no_headers_no_messages_and_no_heartbeats_is_healthy_while_it_is_open()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        var cancel = TestContext.Current.CancellationToken;
        var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);

        using var listen = worker.Worker.Client.Listen(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        var reading = Task.Run(async () => await listen.ResponseStream.MoveNext(cancel), cancel);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY", timeout: TimeSpan.FromSeconds(10));
        var healthyAfter = clock.Elapsed;
        await Task.Delay(InterceptedWorker.HeartbeatTimeout + TimeSpan.FromSeconds(0.5), cancel);
        var withoutHeartbeats = worker.Health.Status;
        var headersSent = listen.ResponseHeadersAsync.IsCompleted;
        worker.Dispatcher.BreakStreams();
        await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");

        healthyAfter.Should().BeLessThan(TimeSpan.FromSeconds(5));
        headersSent.Should().BeFalse("the engine sends a stream's headers only with its first message");
        withoutHeartbeats.Should().Be(HatchetWorkerStatus.Healthy, "the old engine keeps the heartbeat itself while the stream is open");
        worker.Dispatcher.HeartbeatsAccepted.Should().Be(0);
        await reading.Invoking(async read => await read).Should().ThrowAsync<Grpc.Core.RpcException>();
    }

    [Fact]
    public async Task Refused_old_listen_calls_never_count_as_open()
    {
        await using var worker = await InterceptedWorker.StartAsync(options => options.ListenerConnectTimeout = TimeSpan.FromSeconds(30));
        var cancel = TestContext.Current.CancellationToken;
        var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
        worker.Dispatcher.RefuseListen = true;

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var listen = worker.Worker.Client.Listen(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
            await listen.Invoking(async call => await call.ResponseStream.MoveNext(cancel)).Should().ThrowAsync<Grpc.Core.RpcException>();
        }

        await Task.Delay(Dispatcher.ListenConnection.SettleTime + TimeSpan.FromSeconds(0.5), cancel);

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public async Task Older_listen_call_that_ends_after_the_worker_connected_on_a_newer_one_leaves_the_worker_healthy()
    {
        await using var worker = await InterceptedWorker.StartAsync();
        var cancel = TestContext.Current.CancellationToken;
        var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
        var older = worker.Worker.Client.ListenV2(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 1, "the older stream open");
        using var newer = worker.Worker.Client.ListenV2(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 2, "the newer stream open");
        await worker.Worker.Client.HeartbeatAsync(new HeartbeatRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");

        older.Dispose();
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 1, "the older stream closed at the dispatcher");
        await worker.Worker.Client.HeartbeatAsync(new HeartbeatRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
        worker.Host.Logs.Lines.Should().NotContain(line => line.Message.Contains("lost its connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Worker_that_recovers_from_an_engine_outage_logs_the_reconnect_as_the_cause()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        worker.Dispatcher.RefuseListen = true;
        worker.Dispatcher.BreakStreams();
        await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY");

        worker.Dispatcher.RefuseListen = false;
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");

        await Eventually.Until(
            () => worker.Host.Logs.Lines.Any(line => line.Message == "Hatchet worker status changed from Unhealthy to Healthy: the listener is connected and heartbeats succeed"),
            "the recovery logged with the listener as its cause");
        worker.Host.Logs.Lines.Should().NotContain(line => line.Message.Contains("to Healthy: the host has started", StringComparison.Ordinal) && line.Message.Contains("from Unhealthy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Labels_upserted_after_registration_are_what_health_details_show()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync(options => options.HealthEndpointIncludesDetails = true);

        await worker.Worker.Client.UpsertWorkerLabelsAsync(
            new UpsertWorkerLabelsRequest { WorkerId = worker.Worker.WorkerId, Labels = { ["zone"] = new WorkerLabels { StrValue = "us" }, ["gpu"] = new WorkerLabels { IntValue = 2 } } },
            cancellationToken: TestContext.Current.CancellationToken);

        worker.Health.Description!.Labels.Should().Equal(new Dictionary<string, string> { ["zone"] = "us", ["gpu"] = "2" });
        (await worker.Client.GetAsync("/health")).Body.Should().Contain("\"labels\":{\"zone\":\"us\",\"gpu\":\"2\"}");
        worker.Dispatcher.LabelsOf(worker.Worker.WorkerId).Keys.Should().BeEquivalentTo(["zone", "gpu"]);
    }

    [Fact]
    public async Task Labels_the_dispatcher_refuses_to_upsert_leave_the_description_as_it_was()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();

        var refused = () => worker.Worker.Client.UpsertWorkerLabelsAsync(
            new UpsertWorkerLabelsRequest { WorkerId = Guid.NewGuid().ToString(), Labels = { ["zone"] = new WorkerLabels { StrValue = "us" } } },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync;

        (await refused.Should().ThrowAsync<Grpc.Core.RpcException>()).Which.StatusCode.Should().Be(Grpc.Core.StatusCode.NotFound);
        worker.Health.Description!.Labels.Should().Equal(new Dictionary<string, string> { ["zone"] = "eu" });
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
