using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Faults;

/// <summary>The application's own metrics misbehaving while the Prometheus exporter collects them.</summary>
public sealed class ExporterFaultTests
{
    [Fact]
    public async Task Gauge_callback_that_throws_is_left_out_and_the_hatchet_gauges_stay()
    {
        var throwing = true;
        using var meter = new Meter($"Faulty.{Guid.NewGuid():N}");
        meter.CreateObservableGauge("faulty.gauge", () => throwing ? throw new InvalidOperationException("the app's gauge failed") : 1);
        var neighbour = meter.CreateCounter<long>("faulty.neighbour");
        await using var worker = await StartWithAsync(meter);
        neighbour.Add(5);

        var whileThrowing = await worker.Client.GetAsync("/metrics");
        var openMetrics = await worker.Client.SendAsync(HttpMethod.Get, "/metrics", accept: "application/openmetrics-text; version=1.0.0");
        var health = await worker.Client.GetAsync("/health");
        throwing = false;

        // The exporter may answer from its cache for a moment; then the gauges are back.
        var afterwards = await Eventually.Until(() => worker.Client.GetAsync("/metrics"), reply => reply.Body.Contains("faulty_gauge", StringComparison.Ordinal), "the app's gauge to be collected again");

        // The exporter answers, without the failed gauge and with the app's other metrics and the runtime's.
        whileThrowing.Status.Should().Be(System.Net.HttpStatusCode.OK);
        whileThrowing.Body.Should().NotContain("faulty_gauge");
        MetricsEndpointTests.SampleValue(whileThrowing.Body, "faulty_neighbour_total").Should().Be(5);
        whileThrowing.Body.Should().Contain("dotnet_gc_collections_total");

        // OpenTelemetry's MeterProvider records the gauges of meters enabled through IMetricsListener (the
        // Hatchet meter, one per host) only after those of its own AddMeter list, in the same try block, so
        // the exporter's answer lacks them: the forwarder adds them, once each, before # EOF in OpenMetrics.
        MetricsEndpointTests.SampleValue(whileThrowing.Body, "hatchet_worker_status").Should().Be(1);
        MetricsEndpointTests.SampleValue(openMetrics.Body, "hatchet_worker_status").Should().Be(1);
        openMetrics.Body.Should().EndWith("hatchet_worker_status{otel_scope_name=\"OpenTelemetry.Hatchet\",otel_scope_version=\"" + Metrics.HatchetWorkerMeter.Version + "\"} 1\n# EOF\n");
        CountOf(whileThrowing.Body, "# TYPE hatchet_worker_status gauge").Should().Be(1);
        health.Body.Should().Be("""{"status":"HEALTHY"}""", "/health reads the status itself, not the gauge");
        MetricsEndpointTests.SampleValue(afterwards.Body, "hatchet_worker_status").Should().Be(1);
        CountOf(afterwards.Body, "# TYPE hatchet_worker_status gauge").Should().Be(1);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Gauge_callback_that_hangs_gets_the_hatchet_families_within_the_scrapers_deadline_while_probes_answer()
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

        var started = Stopwatch.StartNew();
        var scrape = RawConnection.AnsweredThenClosedAsync(worker.Port, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Prometheus-Scrape-Timeout-Seconds: 4\r\nConnection: close\r\n\r\n");
        await Eventually.Until(() => entered.IsSet, "the scrape to reach the hanging gauge");
        var probing = Stopwatch.StartNew();
        var probe = await worker.Client.GetAsync("/health");
        probing.Stop();
        var scrapeWasInFlight = !scrape.IsCompleted;
        var answer = await scrape;
        var waited = started.Elapsed;
        release.Set();

        // A port that served the scrape before the probe would have made the probe wait for the scrape's deadline.
        probe.Status.Should().Be(System.Net.HttpStatusCode.OK, "probes are answered while a scrape waits");
        scrapeWasInFlight.Should().BeTrue("the probe was answered while the scrape still waited on the gauge");
        probing.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "the probe does not wait behind the scrape");
        answer.Status.Should().Be(200);
        waited.Should().BeLessThan(TimeSpan.FromSeconds(4), "Prometheus gives up at its own 4 s");
        MetricsEndpointTests.SampleValue(answer.Body, "hatchet_worker_status").Should().Be(1);
        answer.Body.Should().NotContain("dotnet_").And.NotContain("hanging_gauge");
        worker.Logs.Lines.Should().Contain(line => line.Message.StartsWith("Hatchet worker healthcheck answered a scrape without the Prometheus exporter", StringComparison.Ordinal));
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Scrapes_beyond_the_waiting_limit_of_a_slow_exporter_are_refused_503_at_once()
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
            // Every waiting scrape holds a place until the exporter answers or its deadline passes; beyond the
            // limit a scrape is refused at once rather than left waiting.
            const int Refused = 4;
            for (var i = 0; i < WaitingScrapes.Limit + Refused; i++)
            {
                var connection = await RawConnection.OpenAsync(worker.Port);
                connections.Add(connection);
                await connection.SendAsync("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n");
                if (i == 0)
                {
                    await Eventually.Until(() => entered.IsSet, "the first scrape to reach the gauge");
                }
            }

            var answers = connections.Select(connection => connection.ReadResponseAsync()).ToList();
            await Eventually.Until(() => answers.Count(answer => answer.IsCompleted) >= Refused, "the scrapes there is no room for to be answered");
            var answeredWhileHeld = answers.Where(answer => answer.IsCompleted).Select(answer => answer.Result.Status).ToList();
            release.Set();
            var all = (await Task.WhenAll(answers)).Select(answer => answer.Status).ToList();

            answeredWhileHeld.Should().Equal(Enumerable.Repeat(503, Refused));
            all.Count(status => status == 200).Should().Be(WaitingScrapes.Limit);
            all.Count(status => status == 503).Should().Be(Refused);
        }
        finally
        {
            release.Set();
            connections.ForEach(connection => connection.Dispose());
        }

        await StillServing.AssertAsync(worker);
    }

    private static int CountOf(string text, string part)
        => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    private static Task<WorkerHost> StartWithAsync(Meter meter)
        => WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meter.Name)));
}
