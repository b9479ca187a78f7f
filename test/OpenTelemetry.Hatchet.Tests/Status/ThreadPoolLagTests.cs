using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Status;

public sealed class ThreadPoolLagTests
{
    [Fact]
    public void Lag_below_the_threshold_keeps_the_worker_healthy()
    {
        var worker = new ClockedHealth();

        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(4.99));

        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
        worker.Health.IsThreadPoolStarved.Should().BeFalse();
    }

    [Fact]
    public void Lag_at_the_threshold_makes_the_worker_unhealthy_and_starved()
    {
        var worker = new ClockedHealth();

        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(5));

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
        worker.Reason.Should().Contain("thread-pool starvation").And.Contain("5 s");
        worker.Health.IsThreadPoolStarved.Should().BeTrue();
    }

    [Fact]
    public void Worker_recovers_when_the_lag_falls_below_the_threshold()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(30));

        worker.Health.ReportThreadPoolLag(TimeSpan.FromMilliseconds(2));

        worker.Status.Should().Be(HatchetWorkerStatus.Healthy);
        worker.Health.ThreadPoolLag.Should().Be(TimeSpan.FromMilliseconds(2));
    }

    [Fact]
    public void Threshold_is_configurable()
    {
        var worker = new ClockedHealth(options => options.ThreadPoolLagThreshold = TimeSpan.FromSeconds(1));

        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(1.5));

        worker.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
    }

    [Fact]
    public void Starvation_is_named_before_a_listener_problem()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();
        worker.Health.ReportHeartbeatFailed("deadline exceeded");

        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(6));

        worker.Reason.Should().Contain("thread-pool starvation");
    }

    [Fact]
    public void Shutting_down_is_named_before_starvation()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(6));

        worker.Health.ReportShuttingDown();

        worker.Reason.Should().Be("the worker is shutting down");
    }
}
