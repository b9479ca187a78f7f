using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Status;

public sealed class ListenerAndHeartbeatTests
{
    [Fact]
    public void Worker_that_reports_nothing_about_its_listener_follows_the_host_whatever_the_time()
    {
        var worker = new ClockedHealth();

        worker.Advance(3600);

        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Connecting_listener_makes_the_worker_starting()
    {
        var worker = new ClockedHealth();

        worker.Health.ReportListenerConnecting();
        worker.Advance(9.9);

        worker.Status.Should().Be(HatchetWorkerStatus.Starting);
        worker.Reason.Should().Contain("connecting");
    }

    [Fact]
    public void Listener_not_connected_after_ten_seconds_makes_the_worker_unhealthy()
    {
        var worker = new ClockedHealth();

        worker.Health.ReportListenerConnecting();
        worker.Advance(10);

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Contain("has not connected").And.Contain("10 s");
    }

    [Fact]
    public void Connecting_reported_again_keeps_the_first_attempts_clock()
    {
        // A worker that retries its registration every 4 s: the Python SDK is UNHEALTHY 10 s after its first attempt.
        var worker = new ClockedHealth();

        worker.Health.ReportListenerConnecting();
        worker.Advance(4);
        worker.Health.ReportListenerConnecting();
        worker.Advance(4);
        worker.Health.ReportListenerConnecting();
        worker.Advance(2);

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Contain("has not connected").And.Contain("10 s");
    }

    [Fact]
    public void Lost_listener_that_reports_connecting_again_stays_unhealthy_until_it_connects()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();
        worker.Health.ReportListenerDisconnected("the stream broke");

        worker.Health.ReportListenerConnecting();

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy, "a worker that was connected and lost it is not starting");
        worker.Reason.Should().Contain("the stream broke");
        worker.Health.ReportListenerConnected();
        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Connect_timeout_is_configurable()
    {
        var worker = new ClockedHealth(options => options.ListenerConnectTimeout = TimeSpan.FromSeconds(30));

        worker.Health.ReportListenerConnecting();
        worker.Advance(29);
        var before = worker.Status;
        worker.Advance(1);

        before.Should().Be(HatchetWorkerStatus.Starting);
        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
    }

    [Fact]
    public void Late_connection_makes_an_unhealthy_worker_healthy()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnecting();
        worker.Advance(20);

        worker.Health.ReportListenerConnected();

        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Connected_worker_with_recent_heartbeats_stays_healthy()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();

        for (var beat = 0; beat < 10; beat++)
        {
            worker.Advance(4);
            worker.Health.ReportHeartbeatSucceeded();
        }

        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Heartbeat_older_than_the_timeout_makes_the_worker_unhealthy()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();
        worker.Health.ReportHeartbeatSucceeded();

        worker.Advance(9.9);
        var justInTime = worker.Status;
        worker.Advance(0.1);

        justInTime.Should().Be(HatchetWorkerStatus.Healthy);
        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Contain("no heartbeat has succeeded for 10 s");
    }

    [Fact]
    public void Heartbeat_timeout_is_configurable()
    {
        var worker = new ClockedHealth(options => options.HeartbeatTimeout = TimeSpan.FromSeconds(30));
        worker.Health.ReportHeartbeatSucceeded();

        worker.Advance(29.9);
        var justInTime = worker.Status;
        worker.Advance(0.1);

        justInTime.Should().Be(HatchetWorkerStatus.Healthy, "the default of 10 s has long passed, but the configured 30 s has not");
        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Contain("no heartbeat has succeeded for 30 s");
    }

    [Fact]
    public void Failed_heartbeat_makes_a_connected_worker_unhealthy_at_once()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();

        worker.Health.ReportHeartbeatFailed("FAILED_PRECONDITION: the listener should reconnect");

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Be("the last heartbeat failed: FAILED_PRECONDITION: the listener should reconnect");
    }

    [Fact]
    public void Next_successful_heartbeat_makes_the_worker_healthy_again()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();
        worker.Health.ReportHeartbeatFailed("deadline exceeded");

        worker.Advance(4);
        worker.Health.ReportHeartbeatSucceeded();

        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Failed_heartbeat_before_the_first_connection_keeps_the_worker_starting()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnecting();

        worker.Health.ReportHeartbeatFailed("unavailable");

        worker.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Failed_heartbeat_as_the_first_report_counts_as_connecting()
    {
        var worker = new ClockedHealth();

        worker.Health.ReportHeartbeatFailed("unavailable");
        var atOnce = worker.Status;
        worker.Advance(10);

        atOnce.Should().Be(HatchetWorkerStatus.Starting, "a worker that has begun to talk to the dispatcher no longer just follows the host");
        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
    }

    [Fact]
    public void Lost_listener_makes_the_worker_unhealthy_until_it_reconnects()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();

        worker.Health.ReportListenerDisconnected("stream reset");
        var disconnected = worker.Status;
        var reason = worker.Reason;
        worker.Health.ReportListenerConnected();

        disconnected.Should().Be(HatchetWorkerStatus.Unhealthy);
        reason.Should().Contain("stream reset");
        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Lost_listener_reported_without_a_reason_says_none_was_given()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();

        worker.Health.ReportListenerDisconnected();

        worker.Reason.Should().Be("the listener lost its connection: no reason given");
    }

    [Fact]
    public void Failed_heartbeat_reported_without_a_reason_says_none_was_given()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();

        worker.Health.ReportHeartbeatFailed();

        worker.Reason.Should().Be("the last heartbeat failed: no reason given");
    }

    [Fact]
    public void Shutting_down_worker_is_unhealthy_whatever_its_heartbeats()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();

        worker.Health.ReportShuttingDown();
        worker.Health.ReportHeartbeatSucceeded();

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Be("the worker is shutting down");
    }

    [Fact]
    public void Listener_rules_cannot_make_a_starting_host_healthy()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportHostStatus(HatchetWorkerStatus.Starting, "the host is starting");

        worker.Health.ReportListenerConnected();

        worker.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Stale_heartbeat_is_read_at_once_but_not_logged_by_the_read()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();
        worker.Advance(11);

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Logs.Lines.Should().NotContain(line => line.Message.Contains("to Unhealthy", StringComparison.Ordinal));
    }

    [Fact]
    public void Heartbeats_after_a_lost_old_listen_stream_are_held_to_the_heartbeat_timeout()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected(streamCarriesHeartbeats: true);
        worker.Health.ReportListenerDisconnected("the stream ended");

        worker.Health.ReportHeartbeatSucceeded();
        worker.Advance(10);

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy, "the lost stream no longer carries the heartbeat");
        worker.Reason.Should().Contain("no heartbeat has succeeded for 10 s");
    }

    [Fact]
    public void Heartbeats_after_reconnecting_from_an_old_listen_stream_are_held_to_the_heartbeat_timeout()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected(streamCarriesHeartbeats: true);
        worker.Health.ReportListenerConnecting();

        worker.Health.ReportHeartbeatSucceeded();
        worker.Advance(10);

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy, "the stream being reconnected carries no heartbeat");
        worker.Reason.Should().Contain("no heartbeat has succeeded for 10 s");
    }
}
