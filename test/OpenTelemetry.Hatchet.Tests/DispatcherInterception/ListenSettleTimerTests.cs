using OpenTelemetry.Hatchet.Dispatcher;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// The timer each listen call is given to settle: it lives no longer than its call is in question, and one that
/// fires as its call ends, too late to be stopped, changes nothing. A worker that reconnects in a tight loop for
/// hours makes a call, and so a timer, every few hundred milliseconds.
/// </summary>
public sealed class ListenSettleTimerTests
{
    private readonly ClockedHealth worker = new();
    private readonly TrackedTimers timers;
    private readonly HatchetDispatcherInterceptor interceptor;
    private readonly ListenConnection connection;

    public ListenSettleTimerTests()
    {
        this.timers = new TrackedTimers(this.worker.Time);
        this.interceptor = new HatchetDispatcherInterceptor(this.worker.Health);
        this.connection = new ListenConnection(this.worker.Health, this.timers);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Settle_timer_ends_when_its_call_is_replaced(bool carriesHeartbeats)
    {
        this.connection.Opening(carriesHeartbeats);

        this.connection.Opening(carriesHeartbeats);

        this.timers.Made.Should().HaveCount(2);
        this.timers.Made[0].Disposed.Should().BeTrue("the replaced call's settling no longer matters");
        this.timers.Live.Should().Be(1);
    }

    [Fact]
    public void Settle_timer_ends_when_its_call_ends()
    {
        this.Observe(this.connection.Opening(carriesHeartbeats: false)).Failed(Unavailable("refused"), cancelledByWorker: false);

        this.timers.Live.Should().Be(0);
    }

    [Fact]
    public void Settle_timer_ends_when_the_first_message_shows_the_call_open()
    {
        this.Observe(this.connection.Opening(carriesHeartbeats: true)).Received(message: null);

        this.timers.Live.Should().Be(0);
    }

    [Fact]
    public void Settle_timer_ends_when_the_worker_registers_again()
    {
        this.connection.Opening(carriesHeartbeats: false);

        this.connection.Registering();

        this.timers.Live.Should().Be(0);
    }

    [Fact]
    public void Settle_timer_that_fires_as_its_old_listen_call_is_refused_does_not_connect_the_worker()
    {
        var call = this.connection.Opening(carriesHeartbeats: true);
        this.Observe(call).Failed(Unavailable("refused"), cancelledByWorker: false);

        this.timers.Made[0].FireAsIfAlreadyOnItsWay();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting, "the call was refused before it settled");
    }

    [Fact]
    public void Settle_timer_that_fires_after_its_call_was_replaced_does_not_connect_the_worker()
    {
        this.connection.Opening(carriesHeartbeats: true);
        this.connection.Opening(carriesHeartbeats: true);

        this.timers.Made[0].FireAsIfAlreadyOnItsWay();

        this.worker.Status.Should().Be(HatchetWorkerStatus.Starting, "the newer call has not settled");
    }

    private static Grpc.Core.RpcException Unavailable(string detail) => new(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, detail));

    private ListenObserver Observe(ListenConnection.ListenCall call) => new(this.interceptor, this.connection, call);
}
