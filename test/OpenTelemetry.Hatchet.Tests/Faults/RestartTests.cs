using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Faults;

/// <summary>A host stopped and another started on the same port in one process, as a test run or an in-process restart does.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task New_host_takes_the_port_while_the_old_ones_connections_linger()
    {
        var port = FreeTcpPort.Next();
        await using (var first = await WorkerHost.StartAsync(port: port))
        {
            // The port closes these connections first, so each leaves a TIME_WAIT on the port behind it.
            for (var i = 0; i < 50; i++)
            {
                await RawHttp.ExchangeAsync(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            }

            await first.Host.StopAsync(TestContext.Current.CancellationToken);
            OwnedSockets.ListeningPorts(Environment.ProcessId).Should().NotContain(port);
        }

        await using var second = await WorkerHost.StartAsync(port: port);

        second.Logs.Lines.Should().NotContain(line => line.Level >= LogLevel.Error);
        await StillServing.AssertAsync(second);
    }

    [Fact]
    public async Task Host_restarted_three_times_on_one_port_serves_each_time()
    {
        var port = FreeTcpPort.Next();
        for (var run = 0; run < 3; run++)
        {
            await using var worker = await WorkerHost.StartAsync(port: port);
            using var keptAlive = await RawConnection.OpenAsync(port);
            await keptAlive.SendAsync("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            (await keptAlive.ReadResponseAsync()).Status.Should().Be(200);

            await StillServing.AssertAsync(worker);
            await worker.Host.StopAsync(TestContext.Current.CancellationToken);

            (await keptAlive.WaitForCloseAsync(RawConnection.ReadTimeout)).Should().BeTrue();
            OwnedSockets.ListeningPorts(Environment.ProcessId).Should().NotContain(port);
        }
    }
}
