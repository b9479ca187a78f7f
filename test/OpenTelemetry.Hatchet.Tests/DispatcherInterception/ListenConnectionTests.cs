using OpenTelemetry.Hatchet.Dispatcher;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// What the listen stream's events mean for the status, on a fake clock: the moments a real dispatcher makes
/// rare (an older call ending after a newer one connected, a heartbeat accepted while the stream is down, a call
/// refused just after a heartbeat on it) made on purpose. The same paths through gRPC are in
/// <see cref="ConnectionHealthTests"/> and <see cref="ListenStreamEndTests"/>.
/// </summary>
public sealed class ListenConnectionTests
{
    private readonly ClockedHealth worker = new();
    private readonly HatchetDispatcherInterceptor interceptor;
    private readonly ListenConnection connection;

    public ListenConnectionTests()
    {
        // Resolving the interceptor is what makes a worker STARTING until its stream connects.
        this.interceptor = new HatchetDispatcherInterceptor(this.worker.Health);
        this.connection = new ListenConnection(this.worker.Health, this.worker.Time);
    }

    [Fact]
    public void Heartbeats_alone_make_the_worker_healthy_when_the_listen_stream_is_not_intercepted()
    {
        this.connection.HeartbeatSucceeded();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Heartbeat_on_a_listen_v2_call_connects_the_worker_once_the_call_has_gone_a_quarter_second_without_failing()
    {
        this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();
        var settling = this.worker.Status;

        this.worker.Time.Advance(ListenConnection.ListenV2SettleTime);

        settling.Should().Be(HatchetWorkerStatus.Starting, "a call a moment old may still be refused");
        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy, "the Python SDK is healthy at its first successful heartbeat");
        this.worker.Reason.Should().Be("the listener is connected and heartbeats succeed");
    }

    [Fact]
    public void Heartbeat_on_a_listen_v2_call_that_has_settled_connects_the_worker_at_once()
    {
        this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.worker.Time.Advance(ListenConnection.ListenV2SettleTime);

        this.connection.HeartbeatSucceeded();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Call_connected_by_a_heartbeat_after_it_settled_is_a_lost_connection_when_it_breaks()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.worker.Time.Advance(ListenConnection.ListenV2SettleTime);
        this.connection.HeartbeatSucceeded();

        observer.Failed(Unavailable("broken"), cancelledByWorker: false);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy, "the worker was connected on that call");
        this.worker.Reason.Should().Be("the listener lost its connection: UNAVAILABLE: broken");
    }

    [Fact]
    public void First_message_connects_a_listen_v2_call_with_a_heartbeat_before_it_has_settled()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();

        observer.Received(message: null);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Listen_v2_call_with_no_heartbeat_yet_keeps_the_worker_starting()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));

        observer.Received(message: null);
        this.Settle();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting, "the Python SDK needs a heartbeat that succeeded");
    }

    [Fact]
    public void Heartbeat_after_the_first_listen_v2_call_failed_does_not_connect_the_worker()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        observer.Failed(Unavailable("refused"), cancelledByWorker: false);

        this.connection.HeartbeatSucceeded();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting, "a first call refused keeps the worker starting until the connect timeout");
    }

    [Fact]
    public void Messages_on_the_stream_do_not_stand_in_for_heartbeats()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();
        observer.Received(message: null);

        this.worker.Advance(6);
        observer.Received(message: null);
        this.worker.Advance(4);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Contain("no heartbeat has succeeded for 10 s");
    }

    [Fact]
    public void Idle_old_listen_call_connects_the_worker_once_it_has_settled_with_no_heartbeat_at_all()
    {
        this.Observe(this.connection.Opening(carriesHeartbeats: true));

        this.Settle();
        this.worker.Advance(60);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy, "the engine keeps the heartbeat itself while the old Listen is open");
    }

    [Fact]
    public void Old_listen_call_refused_before_it_settles_never_connects_the_worker()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: true));
        this.worker.Advance(ListenConnection.SettleTime.TotalSeconds - 0.1);

        observer.Failed(Unavailable("refused"), cancelledByWorker: false);
        this.Settle();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Broken_stream_is_unhealthy_until_a_heartbeat_succeeds_on_the_call_that_replaces_it()
    {
        var first = this.Connect();
        first.Failed(Unavailable("broken"), cancelledByWorker: false);
        var broken = this.worker.Reason;
        this.Observe(this.connection.Opening(carriesHeartbeats: false));
        var reconnecting = this.worker.Status;

        this.connection.HeartbeatSucceeded();
        this.worker.Time.Advance(ListenConnection.ListenV2SettleTime);

        broken.Should().Be("the listener lost its connection: UNAVAILABLE: broken");
        reconnecting.Should().Be(HatchetWorkerStatus.Unhealthy, "a new call alone is not a heartbeat");
        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
        this.worker.Reason.Should().Be("the listener is connected and heartbeats succeed");
    }

    [Fact]
    public void Heartbeat_accepted_after_the_stream_broke_and_before_a_new_call_does_not_hide_the_break()
    {
        var first = this.Connect();
        first.Failed(Unavailable("broken"), cancelledByWorker: false);

        this.connection.HeartbeatSucceeded();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy, "the engine refuses a heartbeat while no session is active");
        this.worker.Reason.Should().Contain("the listener lost its connection: UNAVAILABLE");
    }

    [Fact]
    public void Reconnect_refused_just_after_a_heartbeat_on_it_never_looks_connected()
    {
        var first = this.Connect();
        first.Failed(Unavailable("broken"), cancelledByWorker: false);
        var second = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();
        var beforeTheRefusal = this.worker.Status;

        second.Failed(Unavailable("refused"), cancelledByWorker: false);
        this.worker.Time.Advance(ListenConnection.ListenV2SettleTime);

        beforeTheRefusal.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Be("the listener lost its connection: UNAVAILABLE: refused");
    }

    [Fact]
    public void Heartbeat_that_failed_after_the_one_that_connected_is_what_counts()
    {
        this.Connect();

        this.connection.HeartbeatFailed("DEADLINE_EXCEEDED");

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Be("the last heartbeat failed: DEADLINE_EXCEEDED");
    }

    [Fact]
    public void Heartbeat_that_failed_after_the_kept_one_is_what_counts()
    {
        this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();
        this.connection.HeartbeatFailed("DEADLINE_EXCEEDED");

        this.worker.Time.Advance(ListenConnection.ListenV2SettleTime);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Older_call_that_ends_after_the_worker_connected_on_a_newer_one_says_nothing()
    {
        var older = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.Connect();

        older.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Cancelled, "replaced")), cancelledByWorker: false);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Message_on_a_call_replaced_by_a_newer_one_does_not_connect_the_worker()
    {
        var older = this.Observe(this.connection.Opening(carriesHeartbeats: true));
        this.Observe(this.connection.Opening(carriesHeartbeats: true));

        older.Received(message: null);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Listen_v2_stream_the_dispatcher_ends_cleanly_leaves_the_worker_healthy_while_heartbeats_succeed()
    {
        var observer = this.Connect();

        observer.Completed();
        var ended = this.worker.Status;
        this.worker.Advance(8);
        this.connection.HeartbeatSucceeded();
        this.worker.Advance(8);

        ended.Should().Be(HatchetWorkerStatus.Healthy, "the Python SDK reconnects after a clean end and leaves its health alone");
        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Listen_v2_stream_ended_cleanly_then_a_refused_heartbeat_makes_the_worker_unhealthy()
    {
        var observer = this.Connect();
        observer.Completed();

        this.connection.HeartbeatFailed("FAILED_PRECONDITION: Heartbeat rejected: worker stream is not active");

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Be("the last heartbeat failed: FAILED_PRECONDITION: Heartbeat rejected: worker stream is not active");
    }

    [Fact]
    public void Listen_v2_stream_ended_cleanly_with_no_heartbeat_after_it_goes_stale()
    {
        var observer = this.Connect();
        observer.Completed();

        this.worker.Advance(10);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Contain("no heartbeat has succeeded for 10 s");
    }

    [Fact]
    public void Listen_v2_stream_the_worker_closes_or_cancels_itself_leaves_the_worker_healthy()
    {
        var closed = this.Connect();
        closed.Disposed();
        var afterClose = this.worker.Status;
        var cancelled = this.Connect();

        cancelled.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Cancelled, "Call canceled by the client.")), cancelledByWorker: true);

        afterClose.Should().Be(HatchetWorkerStatus.Healthy, "the worker closed its own stream");
        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy, "the worker cancelled its own stream");
    }

    [Fact]
    public void Listen_v2_stream_the_dispatcher_cancels_makes_the_worker_unhealthy()
    {
        var observer = this.Connect();

        observer.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Cancelled, "server going away")), cancelledByWorker: false);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy, "Python sets last_heartbeat_succeeded = False on any RpcError from the stream");
        this.worker.Reason.Should().Be("the listener lost its connection: CANCELLED: server going away");
    }

    [Fact]
    public void Old_listen_stream_the_dispatcher_ends_cleanly_makes_the_worker_unhealthy_saying_so()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: true));
        observer.Received(message: null);

        observer.Completed();
        this.connection.HeartbeatSucceeded();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy, "on the old Listen the open stream is the heartbeat");
        this.worker.Reason.Should().Be("the listener lost its connection: the dispatcher ended the listen stream");
    }

    [Fact]
    public void Old_listen_stream_the_worker_closes_makes_the_worker_unhealthy_saying_so()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: true));
        observer.Received(message: null);

        observer.Disposed();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy, "on the old Listen the engine keeps the heartbeat only while the stream is open");
        this.worker.Reason.Should().Be("the listener lost its connection: the worker closed the listen stream");
    }

    [Fact]
    public void Old_listen_stream_the_worker_cancels_makes_the_worker_unhealthy_saying_so()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: true));
        observer.Received(message: null);

        observer.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Cancelled, "Call canceled by the client.")), cancelledByWorker: true);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Be("the listener lost its connection: the worker cancelled the listen stream");
    }

    [Fact]
    public void New_registration_starts_afresh_after_an_unsubscribe()
    {
        this.Connect();
        this.worker.Health.ReportUnsubscribed();
        var unsubscribed = this.worker.Reason;

        this.connection.Registering();
        var registering = this.worker.Status;
        this.Connect();

        unsubscribed.Should().Be("the worker unsubscribed from the Hatchet dispatcher");
        registering.Should().Be(HatchetWorkerStatus.Starting);
        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Heartbeats_after_a_new_registration_with_no_listen_call_yet_are_all_there_is_to_go_by()
    {
        this.Connect();
        this.connection.Registering();
        var registering = this.worker.Status;

        this.connection.HeartbeatSucceeded();

        registering.Should().Be(HatchetWorkerStatus.Starting);
        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy, "no listen call of this registration went through the interceptor");
    }

    [Fact]
    public void First_listen_v2_call_that_settled_and_then_broke_before_any_heartbeat_keeps_the_worker_starting()
    {
        var first = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.worker.Time.Advance(ListenConnection.ListenV2SettleTime);

        first.Failed(Unavailable("broken"), cancelledByWorker: false);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting, "the worker never connected: the connect timeout decides");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Heartbeat_after_a_first_listen_v2_call_the_engine_ended_before_the_worker_connected_keeps_it_starting(bool settled)
    {
        var first = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        if (settled)
        {
            this.worker.Time.Advance(ListenConnection.ListenV2SettleTime);
        }

        first.Completed();
        this.connection.HeartbeatSucceeded();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting, "no stream of this registration ever connected");
    }

    private static Grpc.Core.RpcException Unavailable(string detail) => new(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, detail));

    private ListenObserver Connect()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();
        observer.Received(message: null);
        return observer;
    }

    private void Settle() => this.worker.Time.Advance(ListenConnection.SettleTime);

    private ListenObserver Observe(ListenConnection.ListenCall call) => new(this.interceptor, this.connection, call);
}
