using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Status;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class WorkerHealthTests
{
    [Fact]
    public void New_worker_is_initialized()
    {
        new HatchetWorkerHealth().Status.Should().Be(HatchetWorkerStatus.Initialized);
    }

    [Fact]
    public void Worker_that_reports_nothing_follows_the_host()
    {
        var health = new HatchetWorkerHealth();

        health.ReportHostStatus(HatchetWorkerStatus.Healthy, "started");

        health.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }

    [Fact]
    public void Worker_report_can_hold_a_started_host_back()
    {
        var health = new HatchetWorkerHealth();
        health.ReportHostStatus(HatchetWorkerStatus.Healthy, "started");

        health.ReportStatus(HatchetWorkerStatus.Unhealthy, "lost the engine");

        health.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
    }

    [Fact]
    public void Healthy_worker_report_cannot_hide_a_stopping_host()
    {
        var health = new HatchetWorkerHealth();
        health.ReportHostStatus(HatchetWorkerStatus.Unhealthy, "stopping");

        health.ReportStatus(HatchetWorkerStatus.Healthy);

        health.Status.Should().Be(HatchetWorkerStatus.Unhealthy);
    }

    [Fact]
    public void Healthy_worker_report_cannot_hide_a_starting_host()
    {
        var health = new HatchetWorkerHealth();
        health.ReportHostStatus(HatchetWorkerStatus.Starting, "starting");

        health.ReportStatus(HatchetWorkerStatus.Healthy);

        health.Status.Should().Be(HatchetWorkerStatus.Starting);
    }

    [Fact]
    public void Worker_connecting_before_the_host_has_started_is_initialized()
    {
        var health = new HatchetWorkerHealth();

        health.ReportListenerConnecting();

        // A worker whose host has not begun to start is further from taking work than one that is starting.
        health.Evaluate().Should().Be(new StatusReport(HatchetWorkerStatus.Initialized, "the host has not started yet"));
    }

    [Fact]
    public void Status_change_is_logged_once_with_its_reason()
    {
        using var logs = new CapturedLogs();
        var health = new HatchetWorkerHealth(new Logger<HatchetWorkerHealth>(new LoggerFactory([logs])));
        health.ReportHostStatus(HatchetWorkerStatus.Healthy, "started");

        health.ReportStatus(HatchetWorkerStatus.Unhealthy, "lost the engine");
        health.ReportStatus(HatchetWorkerStatus.Unhealthy, "still lost");

        logs.Lines.Select(line => (line.Level, line.Message)).Should().Equal(
            (LogLevel.Information, "Hatchet worker status changed from Initialized to Healthy: started"),
            (LogLevel.Warning, "Hatchet worker status changed from Healthy to Unhealthy: lost the engine"));
    }

    [Fact]
    public void Undefined_status_is_refused()
    {
        var health = new HatchetWorkerHealth();

        var report = () => health.ReportStatus((HatchetWorkerStatus)42);

        report.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Missing_description_is_refused_naming_the_argument()
    {
        var health = new HatchetWorkerHealth();

        var describe = () => health.Describe(null!);

        describe.Should().Throw<ArgumentNullException>().WithParameterName("description");
    }

    [Fact]
    public void Worker_report_without_a_reason_is_logged_naming_the_status()
    {
        var health = new HatchetWorkerHealth();
        health.ReportHostStatus(HatchetWorkerStatus.Healthy, "the host has started");

        health.ReportStatus(HatchetWorkerStatus.Unhealthy);

        health.Evaluate().Reason.Should().Be("the worker reported Unhealthy");
    }

    [Fact]
    public void Description_without_a_name_is_refused()
    {
        var health = new HatchetWorkerHealth();

        var describe = () => health.Describe(new HatchetWorkerDescription { Name = " " });

        describe.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Reading_the_status_allocates_nothing()
    {
        var health = new HatchetWorkerHealth();
        health.ReportHostStatus(HatchetWorkerStatus.Healthy, "started");
        _ = health.Status;
        _ = health.Description;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var healthy = 0;
        for (var i = 0; i < 10_000; i++)
        {
            healthy += health.Status == HatchetWorkerStatus.Healthy && health.Description is null ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        healthy.Should().Be(10_000);
        allocated.Should().Be(0);
    }

    [Fact]
    public async Task Concurrent_reports_leave_a_status_some_report_decided()
    {
        var health = new HatchetWorkerHealth();
        health.ReportHostStatus(HatchetWorkerStatus.Healthy, "started");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            for (var n = 0; n < 1000; n++)
            {
                health.ReportStatus(n % 2 == 0 ? HatchetWorkerStatus.Unhealthy : HatchetWorkerStatus.Healthy);
                _ = health.Status;
            }
        })));

        // Every thread ends on a Healthy report, so the last one written must leave the worker healthy.
        health.Status.Should().Be(HatchetWorkerStatus.Healthy);
    }
}
