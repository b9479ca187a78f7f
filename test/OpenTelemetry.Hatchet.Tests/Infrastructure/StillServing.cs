using System.Net;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>What must hold after anything a client does: the port answers a probe and a scrape, and the worker is untouched.</summary>
internal static class StillServing
{
    public static async Task AssertAsync(WorkerHost worker)
    {
        var health = await worker.Client.GetAsync("/health");
        health.Status.Should().Be(HttpStatusCode.OK);
        health.Body.Should().Be("""{"status":"HEALTHY"}""");

        var metrics = await worker.Client.GetAsync("/metrics");
        metrics.Status.Should().Be(HttpStatusCode.OK);
        MetricsEndpointTests.SampleValue(metrics.Body, "hatchet_worker_status").Should().Be(1);

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);

        // The serving loop logs a warning only when something unexpected escaped it.
        worker.Logs.Lines.Should().NotContain(line => line.Category.EndsWith(".HealthcheckServer", StringComparison.Ordinal) && line.Level >= LogLevel.Warning);
    }
}
