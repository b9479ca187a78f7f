using System.Globalization;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>
/// A real Prometheus scrapes a worker run in this process, with the seed's scrape config, and answers the
/// seed's query. Prometheus asks for OpenMetrics, so this is the OpenMetrics form of /metrics at work.
/// </summary>
public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task Seed_query_reports_1_while_the_worker_is_healthy_and_0_once_it_has_stopped()
    {
        await using var worker = await WorkerHost.StartAsync();
        await using var prometheus = await PrometheusServer.StartAsync(Instance(worker));

        await SeedQuery.UntilWorkerSeriesAsync(prometheus, Instance(worker), 1);
        await worker.Host.StopAsync(TestContext.Current.CancellationToken);

        await SeedQuery.UntilOnlyTheFallback0Async(prometheus, Instance(worker));
    }

    [Fact]
    public async Task Seed_query_reports_the_series_at_0_while_a_running_worker_is_unhealthy()
    {
        await using var worker = await WorkerHost.StartAsync();
        await using var prometheus = await PrometheusServer.StartAsync(Instance(worker));
        await SeedQuery.UntilWorkerSeriesAsync(prometheus, Instance(worker), 1);

        worker.Health.ReportStatus(HatchetWorkerStatus.Unhealthy, "test: lost the dispatcher");

        // The target is still up: this 0 is the worker's own series, not vector(0)'s.
        await SeedQuery.UntilWorkerSeriesAsync(prometheus, Instance(worker), 0);
    }

    private static string Instance(WorkerHost worker) => $"127.0.0.1:{worker.Port.ToString(CultureInfo.InvariantCulture)}";
}
