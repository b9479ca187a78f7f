using System.Collections.Concurrent;
using System.Net.Sockets;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Faults;

/// <summary>Probes and scrapes that are under way while the worker stops.</summary>
public sealed class ShutdownTests
{
    private static readonly string[] Paths = ["/health", "/metrics", "/health", "/metrics"];

    [Fact]
    public async Task Probes_and_scrapes_during_shutdown_get_an_answer_or_a_refusal_never_a_hang()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var keptAlive = await RawConnection.OpenAsync(worker.Port);
        await keptAlive.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        (await keptAlive.ReadResponseAsync()).Status.Should().Be(200);

        var outcomes = new ConcurrentBag<string>();
        using var stopped = new CancellationTokenSource();
        var clients = Paths.Select(path => Task.Run(async () =>
        {
            // Each client goes on for a few requests after the host has stopped, to see those refused.
            var afterStop = 0;
            while (afterStop < 5)
            {
                outcomes.Add(await OutcomeAsync(worker.Port, path));
                afterStop += stopped.IsCancellationRequested ? 1 : 0;
            }
        })).ToArray();

        await Eventually.Until(() => outcomes.Count >= 20, "the clients to get going");
        await worker.Host.StopAsync(TestContext.Current.CancellationToken);
        await stopped.CancelAsync();
        await Task.WhenAll(clients);

        outcomes.Should().OnlyContain(outcome => outcome == "200" || outcome == "503" || outcome == "refused" || outcome == "closed", string.Join(", ", outcomes.Distinct()));
        outcomes.Should().Contain("refused", "requests after the stop find the port closed");
        (await keptAlive.WaitForCloseAsync(RawConnection.ReadTimeout)).Should().BeTrue("an idle kept-alive connection is closed with the port");
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();
        OwnedSockets.ListeningPorts(Environment.ProcessId).Should().NotContain(worker.Port);
        OwnedSockets.ConnectionsOn(Environment.ProcessId, worker.Port).Should().Be(0);
    }

    // One request on its own connection: its status, "refused" when nothing listens, "closed" when the port
    // closed the connection with no answer (the host stopped between accepting and answering). A hang is
    // the failure this test looks for, so a read that waits too long throws and fails it.
    private static async Task<string> OutcomeAsync(int port, string path)
    {
        try
        {
            using var connection = await RawConnection.OpenAsync(port);
            await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return (await connection.ReadResponseAsync()).Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return "refused";
        }
        catch (Exception exception) when (exception is IOException or SocketException)
        {
            return "closed";
        }
    }
}
