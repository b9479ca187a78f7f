using System.Diagnostics.Metrics;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Status;
using OpenTelemetry.Hatchet.Metrics;
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
    public async Task Meter_itself_publishes_every_hatchet_gauge()
    {
        // Through an exporter that is not the healthcheck port: /metrics would also fill in a family the meter left out.
        var exported = new List<Metric>();
        await using var worker = await WorkerHost.StartAsync(
            new Dictionary<string, string?> { [HatchetVariables.Enabled] = "false" },
            services: services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddInMemoryExporter(exported)));
        worker.Health.Describe(new HatchetWorkerDescription { Name = "worker", Slots = 4, Actions = ["a:b"] });
        worker.Health.ReportListenerConnected();

        worker.Host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        exported.Where(metric => metric.MeterName == "OpenTelemetry.Hatchet" && metric.Name.StartsWith("hatchet.worker.", StringComparison.Ordinal))
            .Select(metric => metric.Name)
            .Should().BeEquivalentTo("hatchet.worker.status", "hatchet.worker.listener_health", "hatchet.worker.event_loop_lag", "hatchet.worker.slots", "hatchet.worker.actions");
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

    [Fact]
    public async Task Scrape_names_the_package_version_as_the_meter_version()
    {
        var packageVersion = XDocument.Load(Path.Combine(Repository.Root, "build", "Package.props")).Descendants("Version").Single().Value;
        await using var worker = await WorkerHost.StartAsync();

        var reply = await worker.Client.GetAsync("/metrics");

        reply.Body.Should().Contain($"hatchet_worker_status{{otel_scope_name=\"OpenTelemetry.Hatchet\",otel_scope_version=\"{packageVersion}\"}} 1");
    }

    [Fact]
    public void Gauge_callbacks_never_log_even_when_time_has_changed_the_status()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();
        var logged = worker.Logs.Lines.Count;
        worker.Advance(11);
        using var factory = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _ = new HatchetWorkerMeter(factory.GetRequiredService<IMeterFactory>(), worker.Health);
        var observed = new List<(string Instrument, double Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == HatchetWorkerMeter.MeterName)
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => observed.Add((instrument.Name, value)));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => observed.Add((instrument.Name, value)));
        listener.Start();

        listener.RecordObservableInstruments();

        observed.Should().Contain(("hatchet.worker.status", 0), "the stale heartbeat has made the worker unhealthy");
        worker.Logs.Lines.Should().HaveCount(logged, "a gauge only reads the status");
    }

    [Fact]
    public void Change_brought_by_time_is_logged_once_by_the_monitor_thread()
    {
        var worker = new ClockedHealth();
        worker.Health.ReportListenerConnected();
        worker.Advance(11);

        // What the thread-pool monitor does twice a second.
        worker.Health.ReportThreadPoolLag(TimeSpan.Zero);
        worker.Health.ReportThreadPoolLag(TimeSpan.Zero);

        worker.Logs.Lines.Where(line => line.Message.Contains("from Healthy to Unhealthy", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Message.Should().EndWith("no heartbeat has succeeded for 10 s");
    }

    [Fact]
    public async Task Running_worker_logs_a_change_brought_by_time_without_any_read()
    {
        await using var worker = await WorkerHost.StartAsync(
            new Dictionary<string, string?> { [HatchetVariables.Enabled] = "false" },
            options => options.ListenerConnectTimeout = TimeSpan.FromMilliseconds(300));

        worker.Health.ReportListenerConnecting();

        await Eventually.Until(
            () => worker.Logs.Lines.Any(line => line.Message.Contains("from Starting to Unhealthy", StringComparison.Ordinal)),
            "the monitor thread to log the listener's connect timeout");
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
