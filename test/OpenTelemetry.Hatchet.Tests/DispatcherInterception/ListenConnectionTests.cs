using OpenTelemetry.Hatchet.Dispatcher;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// What the listen stream's events mean for the status, on a fake clock: the moments a real dispatcher makes
/// rare (an older call ending after a newer one connected, a heartbeat accepted while a new call is settling, a
/// stream the dispatcher ends cleanly) made on purpose. The same paths through gRPC are in <see cref="ConnectionHealthTests"/>.
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
    public void Idle_listen_v2_call_and_a_heartbeat_connect_the_worker_once_the_call_has_settled()
    {
        this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();

        var settling = this.worker.Status;
        this.Settle();

        settling.Should().Be(HatchetWorkerStatus.Starting, "a call a moment old may still be refused");
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
    public void First_message_opens_a_listen_v2_call_before_it_has_settled()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();

        observer.Received(message: null);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
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

        observer.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "refused")));
        this.Settle();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Heartbeat_accepted_while_a_new_call_is_settling_does_not_hide_the_broken_stream()
    {
        var first = this.Connect();
        first.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "broken")));
        var second = this.Observe(this.connection.Opening(carriesHeartbeats: false));

        this.connection.HeartbeatSucceeded();
        var whileSettling = this.worker.Status;
        second.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "refused")));
        this.Settle();

        whileSettling.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Contain("the listener lost its connection: UNAVAILABLE");
    }

    [Fact]
    public void Heartbeat_kept_from_a_settling_call_counts_once_the_call_has_settled()
    {
        var first = this.Connect();
        first.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "broken")));
        this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();

        this.Settle();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
        this.worker.Reason.Should().Be("the listener is connected and heartbeats succeed");
    }

    [Fact]
    public void Heartbeat_that_failed_after_the_kept_one_is_what_counts()
    {
        this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.connection.HeartbeatSucceeded();
        this.connection.HeartbeatFailed("DEADLINE_EXCEEDED");

        this.Settle();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Older_call_that_ends_after_the_worker_connected_on_a_newer_one_says_nothing()
    {
        var older = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        this.Connect();

        older.Failed(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Cancelled, "replaced")));

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
    public void Stream_the_dispatcher_ends_makes_the_worker_unhealthy_saying_so()
    {
        var observer = this.Connect();

        observer.Completed();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Contain("the listener lost its connection: the dispatcher ended the listen stream");
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
