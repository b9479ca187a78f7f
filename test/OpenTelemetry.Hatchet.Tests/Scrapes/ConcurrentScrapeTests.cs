using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>Many scrapers at once, and scrapers that leave: an ordinary scrape is never turned away.</summary>
public sealed class ConcurrentScrapeTests
{
    private const string Scrape = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n";

    [Fact]
    public async Task Scrapes_and_heads_waiting_together_share_one_collection()
    {
        using var held = new Held();
        await using var worker = await StartWithAsync(held.Meter);
        var connections = new List<RawConnection>();
        try
        {
            for (var i = 0; i < 48; i++)
            {
                var connection = await RawConnection.OpenAsync(worker.Port);
                connections.Add(connection);
                await connection.SendAsync(i % 3 == 2 ? Scrape.Replace("GET", "HEAD", StringComparison.Ordinal) : Scrape);
                if (i == 0)
                {
                    await Eventually.Until(() => held.Entered.IsSet, "the first scrape to reach the gauge");
                }
            }

            held.Release.Set();
            var answers = await Task.WhenAll(connections.Select((connection, i) => connection.ReadResponseAsync(toHead: i % 3 == 2)));

            answers.Select(answer => answer.Status).Should().AllBeEquivalentTo(200);
            answers.Where((_, i) => i % 3 != 2).Should().AllSatisfy(answer => answer.Body.Should().Contain("held_gauge").And.Contain("hatchet_worker_status"));
            held.Collections.Should().BeLessThanOrEqualTo(2, "the scrapes waiting on one collection share it");
        }
        finally
        {
            held.Release.Set();
            connections.ForEach(connection => connection.Dispose());
        }

        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Scrapes_whose_clients_left_are_dropped_and_hold_no_place()
    {
        using var held = new Held();
        await using var worker = await StartWithAsync(held.Meter);
        try
        {
            // More abandoned scrapes than may wait at once, all behind a collection that does not end.
            for (var i = 0; i < OpenTelemetry.Hatchet.Scrape.WaitingScrapes.Limit + 44; i++)
            {
                using var connection = await RawConnection.OpenAsync(worker.Port);
                await connection.SendAsync(Scrape);
                if (i == 0)
                {
                    await Eventually.Until(() => held.Entered.IsSet, "the first scrape to reach the gauge");
                }
            }

            // The forwarder notices a gone client within a turn (50 ms); Prometheus's next scrape is a second away.
            var ordinary = await Eventually.Until(
                () => RawConnection.AnsweredThenClosedAsync(worker.Port, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Prometheus-Scrape-Timeout-Seconds: 2\r\nConnection: close\r\n\r\n"),
                answer => answer.Status == 200,
                "the gone clients' scrapes to be dropped rather than kept waiting behind the held collection",
                TimeSpan.FromSeconds(1));

            ordinary.Status.Should().Be(200);
            MetricsEndpointTests.SampleValue(ordinary.Body, "hatchet_worker_status").Should().Be(1);
        }
        finally
        {
            held.Release.Set();
        }

        await StillServing.AssertAsync(worker);
    }

    private static Task<WorkerHost> StartWithAsync(Meter meter)
        => WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meter.Name)));

    /// <summary>An application gauge whose first collection waits until released, counting collections.</summary>
    private sealed class Held : IDisposable
    {
        private int collections;

        public Held()
        {
            this.Meter = new Meter($"Held.{Guid.NewGuid():N}");
            this.Meter.CreateObservableGauge("held.gauge", () =>
            {
                Interlocked.Increment(ref this.collections);
                this.Entered.Set();
                this.Release.Wait(TimeSpan.FromSeconds(30));
                return 1;
            });
        }

        public Meter Meter { get; }

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Collections => Volatile.Read(ref this.collections);

        public void Dispose()
        {
            this.Release.Set();
            this.Meter.Dispose();
            this.Entered.Dispose();
            this.Release.Dispose();
        }
    }
}
