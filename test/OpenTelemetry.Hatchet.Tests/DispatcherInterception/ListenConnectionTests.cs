using Grpc.Core;
using OpenTelemetry.Hatchet.Dispatcher;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// What the listen stream's events mean for the status, on a fake clock: the moments a real dispatcher makes
/// rare (a call refused at its headers, an older call answering after a newer one opened, a stream the
/// dispatcher ends cleanly) made on purpose. The same path through gRPC is in <see cref="ConnectionHealthTests"/>.
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
        this.connection = new ListenConnection(this.worker.Health);
    }

    [Fact]
    public void Heartbeats_alone_make_the_worker_healthy_when_the_listen_stream_is_not_intercepted()
    {
        this.connection.HeartbeatSucceeded();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void First_message_on_a_listen_v2_stream_connects_the_worker_before_any_heartbeat()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));

        observer.Received(message: null);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Messages_on_the_stream_do_not_stand_in_for_heartbeats()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        observer.Received(message: null);

        this.worker.Advance(6);
        observer.Received(message: null);
        this.worker.Advance(4);

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Contain("no heartbeat has succeeded for 10 s");
    }

    [Fact]
    public void Old_listen_call_refused_at_its_headers_does_not_connect_the_worker()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: true), new Grpc.Core.Status(StatusCode.Unavailable, "refused"));

        observer.HeadersArrived(Task.FromResult(new Metadata()));

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Old_listen_call_answered_with_headers_connects_the_worker()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: true), status: null);

        observer.HeadersArrived(Task.FromResult(new Metadata()));

        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Message_on_a_call_replaced_by_a_newer_one_does_not_connect_the_worker()
    {
        var older = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        var newer = this.Observe(this.connection.Opening(carriesHeartbeats: false));

        older.Received(message: null);
        var afterOlder = this.worker.Status;
        newer.Received(message: null);

        afterOlder.Should().Be(HatchetWorkerStatus.Starting);
        this.worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Stream_the_dispatcher_ends_makes_the_worker_unhealthy_saying_so()
    {
        var observer = this.Observe(this.connection.Opening(carriesHeartbeats: false));
        observer.Received(message: null);

        observer.Completed();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        this.worker.Reason.Should().Contain("the listener lost its connection: the dispatcher ended the listen stream");
    }

    // The call's status as gRPC gives it: null stands for a call still running, whose status read throws.
    private ListenObserver Observe(ListenConnection.ListenCall call, Grpc.Core.Status? status = null)
        => new(this.interceptor, this.connection, call, () => status ?? throw new InvalidOperationException("Status can only be accessed once the call has finished."));
}
