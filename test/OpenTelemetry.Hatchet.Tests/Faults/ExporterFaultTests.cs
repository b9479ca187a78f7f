using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Faults;

/// <summary>The application's own metrics misbehaving while the Prometheus exporter collects them.</summary>
public sealed class ExporterFaultTests
{
    [Fact]
    public async Task Gauge_callback_that_throws_is_left_out_and_takes_the_hatchet_gauges_with_it()
    {
        var throwing = true;
        using var meter = new Meter($"Faulty.{Guid.NewGuid():N}");
        meter.CreateObservableGauge("faulty.gauge", () => throwing ? throw new InvalidOperationException("the app's gauge failed") : 1);
        var neighbour = meter.CreateCounter<long>("faulty.neighbour");
        await using var worker = await StartWithAsync(meter);
        neighbour.Add(5);

        var whileThrowing = await worker.Client.GetAsync("/metrics");
        var health = await worker.Client.GetAsync("/health");
        throwing = false;

        // The exporter may answer from its cache for a moment; then the gauges are back.
        var afterwards = await Eventually.Until(() => worker.Client.GetAsync("/metrics"), reply => reply.Body.Contains("faulty_gauge", StringComparison.Ordinal), "the app's gauge to be collected again");

        // The exporter answers, without the failed gauge and with the app's other metrics and the runtime's.
        whileThrowing.Status.Should().Be(System.Net.HttpStatusCode.OK);
        whileThrowing.Body.Should().NotContain("faulty_gauge");
        MetricsEndpointTests.SampleValue(whileThrowing.Body, "faulty_neighbour_total").Should().Be(5);
        whileThrowing.Body.Should().Contain("dotnet_gc_collections_total");

        // Known limitation: OpenTelemetry's MeterProvider records the gauges of meters enabled through
        // IMetricsListener (the Hatchet meter, one per host) only after those of its own AddMeter list, in the same
        // try block, so one throwing application gauge skips them and hatchet_worker_* vanish from the scrape.
        whileThrowing.Body.Should().NotContain("hatchet_worker_status");
        health.Body.Should().Be("""{"status":"HEALTHY"}""", "/health reads the status itself, not the gauge");
        MetricsEndpointTests.SampleValue(afterwards.Body, "hatchet_worker_status").Should().Be(1);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Gauge_callback_that_hangs_makes_the_scrape_504_while_probes_answer()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var meter = new Meter($"Hanging.{Guid.NewGuid():N}");
        meter.CreateObservableGauge("hanging.gauge", () =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return 1;
        });
        await using var worker = await StartWithAsync(meter);

        var scrape = worker.Client.GetAsync("/metrics");
        await Eventually.Until(() => entered.IsSet, "the scrape to reach the hanging gauge");
        var probing = Stopwatch.StartNew();
        var probe = await worker.Client.GetAsync("/health");
        probing.Stop();
        var scrapeWasInFlight = !scrape.IsCompleted;
        var timedOut = await scrape;
        release.Set();

        // A port that served the scrape before the probe would have made the probe wait the scrape's 5 s.
        probe.Status.Should().Be(System.Net.HttpStatusCode.OK, "probes are answered while a scrape waits");
        scrapeWasInFlight.Should().BeTrue("the probe was answered while the scrape still waited on the gauge");
        probing.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "the probe does not wait behind the scrape");
        timedOut.Status.Should().Be(System.Net.HttpStatusCode.GatewayTimeout);
        worker.Logs.Lines.Should().Contain(line => line.Message.StartsWith("Hatchet worker healthcheck could not collect metrics for a scrape: the Prometheus exporter did not answer within 5 s", StringComparison.Ordinal));
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Scrapes_beyond_the_queue_of_a_slow_exporter_are_refused_503_at_once()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var meter = new Meter($"Slow.{Guid.NewGuid():N}");
        meter.CreateObservableGauge("slow.gauge", () =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return 1;
        });
        await using var worker = await StartWithAsync(meter);
        var connections = new List<RawConnection>();
        try
        {
            // The first scrape holds the forwarder in the exporter; the queue behind it holds 16 more, and the
            // rest are refused at once rather than left waiting.
            const int Queued = 16, Refused = 4;
            for (var i = 0; i < 1 + Queued + Refused; i++)
            {
                var connection = await RawConnection.OpenAsync(worker.Port);
                connections.Add(connection);
                await connection.SendAsync("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
                if (i == 0)
                {
                    await Eventually.Until(() => entered.IsSet, "the first scrape to reach the gauge");
                }
            }

            var answers = connections.Select(connection => connection.ReadResponseAsync()).ToList();
            await Eventually.Until(() => answers.Count(answer => answer.IsCompleted) >= Refused, "the scrapes the queue has no room for to be answered");
            var answeredWhileHeld = answers.Where(answer => answer.IsCompleted).Select(answer => answer.Result.Status).ToList();
            release.Set();
            var all = (await Task.WhenAll(answers)).Select(answer => answer.Status).ToList();

            answeredWhileHeld.Should().Equal(Enumerable.Repeat(503, Refused));
            all.Count(status => status == 200).Should().Be(1 + Queued);
            all.Count(status => status == 503).Should().Be(Refused);
        }
        finally
        {
            release.Set();
            connections.ForEach(connection => connection.Dispose());
        }

        await StillServing.AssertAsync(worker);
    }

    private static Task<WorkerHost> StartWithAsync(Meter meter)
        => WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meter.Name)));
}
