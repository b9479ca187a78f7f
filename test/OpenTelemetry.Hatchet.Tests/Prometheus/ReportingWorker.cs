using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Metrics;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// A worker that has described itself, reported its listener connected and run one task run, so that its
/// /metrics holds every hatchet_ series the package can publish (slots, actions and listener health appear
/// only once known, the task-run series once a run has been seen; the interceptor's tests show how runs
/// get there from the dispatcher).
/// </summary>
internal static class ReportingWorker
{
    public static async Task<WorkerHost> StartAsync()
    {
        var worker = await WorkerHost.StartAsync();
        worker.Health.Describe(new HatchetWorkerDescription { Name = "w", Slots = 3, Actions = ["a:one"] });
        worker.Health.ReportListenerConnected();
        worker.Health.ReportHeartbeatSucceeded();
        var instruments = worker.Host.Services.GetRequiredService<TaskRunInstruments>();
        worker.Health.TaskRuns.Assigned("run-1", "a:one", instruments);
        worker.Health.TaskRuns.Started("run-1", instruments);
        worker.Health.TaskRuns.Ended("run-1", TaskRunOutcome.Completed, instruments);
        return worker;
    }

    /// <summary>The classic text form of /metrics, as a plain scraper, curl or promtool reads it.</summary>
    public static async Task<string> ScrapeTextAsync(WorkerHost worker)
    {
        var scrape = await worker.Client.SendAsync(HttpMethod.Get, "/metrics", accept: "text/plain");
        scrape.ContentType!.MediaType.Should().Be("text/plain");
        return scrape.Body;
    }
}
