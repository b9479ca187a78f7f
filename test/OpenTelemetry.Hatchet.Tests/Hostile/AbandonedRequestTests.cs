using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>
/// Clients that hang up before or during their answer: the port drops them and goes on serving. (Whether it
/// also closes their sockets is counted by Leaks/, in a process of its own: a socket reset by its client
/// leaves /proc/net/tcp at once, so this process's tables cannot show it.)
/// </summary>
public sealed class AbandonedRequestTests
{
    private const int Times = 200;

    [Fact]
    public async Task Scrapes_abandoned_with_a_close_leave_the_port_serving()
    {
        await using var worker = await WorkerHost.StartAsync();

        for (var i = 0; i < Times; i++)
        {
            using var connection = await RawConnection.OpenAsync(worker.Port);
            await connection.SendAsync("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        }

        await ScrapesQueuedByGoneClientsAreDoneAsync(worker);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Scrapes_and_probes_abandoned_with_a_reset_leave_the_port_serving()
    {
        await using var worker = await WorkerHost.StartAsync();

        for (var i = 0; i < Times; i++)
        {
            var connection = await RawConnection.OpenAsync(worker.Port);
            await connection.SendAsync(i % 2 == 0 ? "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" : "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            connection.Abort();
        }

        await ScrapesQueuedByGoneClientsAreDoneAsync(worker);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Scrapes_abandoned_halfway_through_their_answer_leave_the_port_serving()
    {
        // An exposition of about 9 MB, more than Linux lets a socket buffer for sending (4 MB by default), and
        // clients with a small receive window make sure the port is still writing each answer when its
        // client resets the connection.
        using var meter = new Meter($"Large.{Guid.NewGuid():N}");
        var series = Enumerable.Range(0, 1900).Select(i => new Measurement<int>(i, new KeyValuePair<string, object?>("series", $"{i}-{new string('s', 500)}"))).ToArray();
        for (var gauge = 0; gauge < 8; gauge++)
        {
            meter.CreateObservableGauge($"large.{gauge}", () => series);
        }

        await using var worker = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meter.Name)));

        for (var i = 0; i < 5; i++)
        {
            var connection = await RawConnection.OpenAsync(worker.Port, receiveBufferSize: 4096);
            await connection.SendAsync("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            await connection.ReadHeadAsync();
            connection.Abort();
        }

        await ScrapesQueuedByGoneClientsAreDoneAsync(worker);
        worker.Logs.Lines.Should().Contain(line => line.Message == "Hatchet worker healthcheck could not answer a request", "the resets should have cut answers short");
        await StillServing.AssertAsync(worker);
    }

    // Scrapes still queued when their client went are answered into the void first; until then a new scrape
    // may find the queue full and get 503, so the checks wait for a 200.
    private static async Task ScrapesQueuedByGoneClientsAreDoneAsync(WorkerHost worker)
        => await Eventually.Until(() => worker.Client.GetAsync("/metrics"), reply => reply.Status == System.Net.HttpStatusCode.OK, "a scrape to be answered 200 again");
}
