using System.Diagnostics;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>A request head must arrive whole within the request timeout; a client that trickles it is cut off.</summary>
public sealed class SlowlorisTests
{
    [Fact]
    public async Task Client_sending_a_byte_a_second_is_cut_off_while_others_are_served()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var slow = await RawConnection.OpenAsync(worker.Port);
        var request = "GET /health HTTP/1.1\r\nHost: worker\r\nUser-Agent: slowloris\r\n\r\n";
        var clock = Stopwatch.StartNew();

        // Each turn sends one byte and waits a second for the port to close the connection; a probe is
        // answered meanwhile. The whole request would take longer than the timeout to arrive.
        var cutOff = false;
        var probes = 0;
        for (var i = 0; i < request.Length && !cutOff; i++)
        {
            try
            {
                await slow.SendAsync(request[i].ToString());
            }
            catch (System.Net.Sockets.SocketException)
            {
                cutOff = true;
                break;
            }

            cutOff = await slow.WaitForCloseAsync(TimeSpan.FromSeconds(1));
            (await worker.Client.GetAsync("/health")).Status.Should().Be(System.Net.HttpStatusCode.OK);
            probes++;
        }

        cutOff.Should().BeTrue("the port should close a connection whose head is not whole after the documented 10 s");
        // The port's clock is the host's TimeProvider (a Stopwatch): when it was Environment.TickCount64, which
        // Linux reads from a coarse clock, the cut came up to a tick early (CI saw 9.9993 s).
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(10), "no sooner than the timeout");
        slow.Received.Should().BeEmpty("an incomplete request gets no answer");
        probes.Should().BeGreaterThan(5);
        await StillServing.AssertAsync(worker);
    }

    [Fact]
    public async Task Request_trickled_in_within_the_timeout_is_answered()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var connection = await RawConnection.OpenAsync(worker.Port);

        // A slow network delivers a head in pieces; the pauses are pacing, not waiting for anything.
        foreach (var piece in new[] { "GE", "T /hea", "lth HTTP/1.1\r", "\nHost: x\r\n", "\r", "\n" })
        {
            await connection.SendAsync(piece);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var answer = await connection.ReadResponseAsync();

        answer.Status.Should().Be(200);
        answer.Body.Should().Be("""{"status":"HEALTHY"}""");
    }
}
