using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Status;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class MeterTests
{
    [Fact]
    public async Task Meter_publishes_to_other_exporters_when_the_healthcheck_is_off()
    {
        var exported = new List<Metric>();
        await using var worker = await WorkerHost.StartAsync(
            new Dictionary<string, string?> { [HatchetVariables.Enabled] = "false" },
            services: services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddInMemoryExporter(exported)));

        worker.Host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var status = exported.Should().ContainSingle(metric => metric.Name == "hatchet.worker.status").Subject;
        status.MeterName.Should().Be("OpenTelemetry.Hatchet");
        status.Description.Should().Be("Current status of the Hatchet worker");
        LastValue(status).Should().Be(1);
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();
    }

    [Fact]
    public async Task Lag_gauge_publishes_the_thread_pool_lag_in_seconds()
    {
        var exported = new List<Metric>();

        // Without the live monitor, which would overwrite the injected lag within half a second.
        await using var worker = await WorkerHost.StartAsync(
            new Dictionary<string, string?> { [HatchetVariables.Enabled] = "false" },
            services: services =>
            {
                services.Remove(services.Single(service => service.ImplementationType == typeof(ThreadPoolStarvationMonitor)));
                services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddInMemoryExporter(exported));
            });
        var provider = worker.Host.Services.GetRequiredService<MeterProvider>();
        worker.Health.ReportThreadPoolLag(TimeSpan.FromSeconds(1.5));

        provider.ForceFlush();

        var lag = exported.Should().ContainSingle(metric => metric.Name == "hatchet.worker.event_loop_lag").Subject;
        lag.Unit.Should().Be("s");
        LastDouble(lag).Should().Be(1.5);
    }

    private static double LastDouble(Metric metric)
    {
        var value = double.NaN;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            value = point.GetGaugeLastValueDouble();
        }

        return value;
    }

    private static long LastValue(Metric metric)
    {
        long value = -1;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            value = point.GetGaugeLastValueLong();
        }

        return value;
    }
}
