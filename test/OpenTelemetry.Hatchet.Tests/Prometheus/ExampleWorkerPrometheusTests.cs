using System.Globalization;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>A real Prometheus scrapes the example worker process with the seed's config and target form (<c>localhost:PORT</c>).</summary>
public sealed class ExampleWorkerPrometheusTests
{
    [Fact]
    public async Task Seed_query_reports_1_while_the_example_runs_and_0_once_it_has_exited()
    {
        var port = FreeTcpPort.Next();
        var instance = $"localhost:{port.ToString(CultureInfo.InvariantCulture)}";
        using var worker = ExampleWorkerProcess.Start(new Dictionary<string, string?>
        {
            [HatchetVariables.Enabled] = "True",
            [HatchetVariables.Port] = port.ToString(CultureInfo.InvariantCulture),
        });
        await worker.WaitUntilHealthyAsync(port);
        await using var prometheus = await PrometheusServer.StartAsync(instance);

        await SeedQuery.UntilWorkerSeriesAsync(prometheus, instance, 1);
        worker.Signal("TERM");
        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue(worker.Output);

        await SeedQuery.UntilOnlyTheFallback0Async(prometheus, instance);
    }
}
