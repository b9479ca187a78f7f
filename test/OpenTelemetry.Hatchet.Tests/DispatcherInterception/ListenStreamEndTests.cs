using System.Diagnostics;
using System.Net;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// The Python SDK's verdict through the moments every production worker lives through on <c>ListenV2</c>: the
/// first connection, a stream the engine ends cleanly, one that breaks. The worker paces itself as Python's does
/// (<see cref="TestWorker.Pace.Python"/>: a heartbeat every 4 s with a 5 s deadline, a new listen call 0.25 s after
/// the stream ends), and the dispatcher refuses heartbeats between sessions as the engine does
/// (<c>server.go</c> <c>Heartbeat</c>, lines 437-440 at upstream 89d130f).
/// </summary>
public sealed class ListenStreamEndTests
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task First_healthy_comes_within_half_a_second_of_the_first_successful_heartbeat()
    {
        await using var worker = await InterceptedWorker.StartAsync(Patient, TestWorker.Pace.Python);

        await worker.Worker.StartAsync();
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY");
        var healthyAt = Stopwatch.GetTimestamp();

        worker.Worker.HeartbeatsSucceeded.Should().Be(1, "the second heartbeat is 4 s after the first");
        Stopwatch.GetElapsedTime(worker.Worker.LastHeartbeatSucceeded, healthyAt).Should().BeLessThan(TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public async Task Clean_end_and_a_reconnect_keep_health_at_200_on_every_probe_through_the_next_heartbeat()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync(Patient, TestWorker.Pace.Python);
        var before = await AfterNextHeartbeatAsync(worker, TimeSpan.FromSeconds(0.5));
        var logged = worker.Host.Logs.Lines.Count;

        worker.Dispatcher.EndStreams();
        var probes = await ProbeUntilAsync(worker, () => worker.Worker.HeartbeatsSucceeded > before);

        probes.Should().HaveCountGreaterThan(20, "a probe every 100 ms for about 3.5 s").And.OnlyContain(status => status == HttpStatusCode.OK);
        worker.Dispatcher.ListenCalls.Should().Be(2, "the worker listened again after the clean end");
        worker.Host.Logs.Lines.Skip(logged).Should().NotContain(line => line.Message.StartsWith("Hatchet worker status changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Worker_that_does_not_listen_again_after_a_clean_end_goes_unhealthy_at_its_next_heartbeat()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync(Patient, TestWorker.Pace.Python);
        worker.Worker.Reconnects = false;
        var before = await AfterNextHeartbeatAsync(worker, TimeSpan.FromSeconds(0.5));

        worker.Dispatcher.EndStreams();
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 0, "the stream ended at the dispatcher");
        var afterEnd = await worker.Client.GetAsync("/health");
        var unhealthy = await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY", timeout: TimeSpan.FromSeconds(10));

        afterEnd.Status.Should().Be(HttpStatusCode.OK, "a clean end is not an outage by itself");
        worker.Worker.HeartbeatsSucceeded.Should().Be(before, "no heartbeat succeeds while no session is active");
        worker.Health.Evaluate().Reason.Should().Be("the last heartbeat failed: FAILED_PRECONDITION: Heartbeat rejected: worker stream is not active: " + worker.Worker.WorkerId);
        unhealthy.Body.Should().Be("""{"status":"UNHEALTHY"}""");
    }

    [Fact]
    public async Task Stream_that_breaks_is_unhealthy_until_the_next_successful_heartbeat()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync(Patient, TestWorker.Pace.Python);
        var before = await AfterNextHeartbeatAsync(worker, TimeSpan.FromSeconds(0.5));

        worker.Dispatcher.BreakStreams();
        await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "UNHEALTHY", timeout: TimeSpan.FromSeconds(1));
        var probes = await ProbeUntilAsync(worker, () => worker.Worker.HeartbeatsSucceeded > before);
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY", timeout: TimeSpan.FromSeconds(0.5));

        // The last probe may have crossed the heartbeat's success, which the interceptor sees a moment before the worker does.
        probes.Should().HaveCountGreaterThan(20);
        probes.SkipLast(1).Should().OnlyContain(status => status == HttpStatusCode.ServiceUnavailable, "the new stream alone does not make the worker healthy: a heartbeat must succeed");
        worker.Dispatcher.ListenCalls.Should().Be(2);
        worker.Host.Logs.Lines.Should().Contain(line => line.Message.Contains("lost its connection: UNAVAILABLE: the test dispatcher broke the stream", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stream_the_worker_cancels_itself_leaves_the_worker_healthy(bool throughTheCallsToken)
    {
        await using var worker = await InterceptedWorker.StartAsync(Patient);
        var cancel = TestContext.Current.CancellationToken;
        var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
        using var stop = new CancellationTokenSource();
        using var listen = worker.Worker.Client.ListenV2(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: throughTheCallsToken ? stop.Token : cancel);
        var reading = listen.ResponseStream.MoveNext(throughTheCallsToken ? cancel : stop.Token);
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 1, "the stream open at the dispatcher");
        await worker.Worker.Client.HeartbeatAsync(new HeartbeatRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY", timeout: TimeSpan.FromSeconds(2));

        await stop.CancelAsync();
        var ended = await reading.Invoking(async read => await read).Should().ThrowAsync<Grpc.Core.RpcException>();

        ended.Which.StatusCode.Should().Be(Grpc.Core.StatusCode.Cancelled);
        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy, "the Python SDK's own listener.cancel() raises nothing into its loop");
        worker.Host.Logs.Lines.Should().NotContain(line => line.Message.Contains("lost its connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Read_with_a_token_already_cancelled_fails_only_the_read_and_leaves_the_worker_healthy()
    {
        await using var worker = await InterceptedWorker.StartAsync(Patient);
        var cancel = TestContext.Current.CancellationToken;
        using var listen = await HealthyOnOneStreamAsync(worker, callToken: cancel);

        // Grpc.Net.Client hands back a read that has already failed: it must come back as a failed task, not a throw.
        var read = listen.ResponseStream.MoveNext(new CancellationToken(canceled: true));

        (await read.Invoking(async failed => await failed).Should().ThrowAsync<Grpc.Core.RpcException>()).Which.StatusCode.Should().Be(Grpc.Core.StatusCode.Cancelled);
        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy, "the worker cancelled its own read");
    }

    [Fact]
    public async Task Read_of_a_call_the_worker_cancelled_before_reading_leaves_the_worker_healthy()
    {
        await using var worker = await InterceptedWorker.StartAsync(Patient);
        using var stop = new CancellationTokenSource();
        using var listen = await HealthyOnOneStreamAsync(worker, callToken: stop.Token);

        await stop.CancelAsync();
        var read = () => listen.ResponseStream.MoveNext(CancellationToken.None);

        (await read.Should().ThrowAsync<Grpc.Core.RpcException>()).Which.StatusCode.Should().Be(Grpc.Core.StatusCode.Cancelled);
        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy, "the worker cancelled its own call");
        worker.Host.Logs.Lines.Should().NotContain(line => line.Message.Contains("lost its connection", StringComparison.Ordinal));
    }

    /// <summary>Registers, opens one intercepted <c>ListenV2</c> with <paramref name="callToken"/>, heartbeats once and waits for HEALTHY.</summary>
    private static async Task<Grpc.Core.AsyncServerStreamingCall<AssignedAction>> HealthyOnOneStreamAsync(InterceptedWorker worker, CancellationToken callToken)
    {
        var cancel = TestContext.Current.CancellationToken;
        var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
        var listen = worker.Worker.Client.ListenV2(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: callToken);
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 1, "the stream open at the dispatcher");
        await worker.Worker.Client.HeartbeatAsync(new HeartbeatRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        await worker.WaitForAsync("/health", HttpStatusCode.OK, "HEALTHY", timeout: TimeSpan.FromSeconds(2));
        return listen;
    }

    // A heartbeat timeout beyond the 4 s heartbeat interval, as the package's default (10 s) is.
    private static void Patient(HatchetWorkerMetricsOptions options) => options.HeartbeatTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Waits for the worker's next successful heartbeat, then <paramref name="delay"/>: returns the count of heartbeats then.</summary>
    private static async Task<int> AfterNextHeartbeatAsync(InterceptedWorker worker, TimeSpan delay)
    {
        var seen = worker.Worker.HeartbeatsSucceeded;
        await Eventually.Until(() => worker.Worker.HeartbeatsSucceeded > seen, "the worker's next heartbeat", TimeSpan.FromSeconds(10));
        await Task.Delay(delay, TestContext.Current.CancellationToken);
        return worker.Worker.HeartbeatsSucceeded;
    }

    /// <summary>Probes <c>/health</c> every 100 ms until <paramref name="done"/> holds (10 s at most), returning every status seen.</summary>
    private static async Task<List<HttpStatusCode>> ProbeUntilAsync(InterceptedWorker worker, Func<bool> done)
    {
        var statuses = new List<HttpStatusCode>();
        var deadline = Stopwatch.StartNew();
        using var every = new PeriodicTimer(ProbeInterval);
        while (!done())
        {
            deadline.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the next heartbeat comes within 4 s");
            statuses.Add((await worker.Client.GetAsync("/health")).Status);
            await every.WaitForNextTickAsync(TestContext.Current.CancellationToken);
        }

        return statuses;
    }
}
