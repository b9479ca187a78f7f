using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// A worker that has described itself and reported its listener connected, so that its /metrics holds every
/// hatchet_ series the package can publish (slots, actions and listener health appear only once known).
/// </summary>
internal static class ReportingWorker
{
    public static async Task<WorkerHost> StartAsync()
    {
        var worker = await WorkerHost.StartAsync();
        worker.Health.Describe(new HatchetWorkerDescription { Name = "w", Slots = 3, Actions = ["a:one"] });
        worker.Health.ReportListenerConnected();
        worker.Health.ReportHeartbeatSucceeded();
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
