using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Hostile;

/// <summary>Connections that are opened and left idle cost the port a buffer each, never its ability to answer.</summary>
public sealed class IdleConnectionTests
{
    [Fact]
    public async Task Five_hundred_idle_connections_leave_probes_and_scrapes_answered()
    {
        await using var worker = await WorkerHost.StartAsync();
        var idle = new List<RawConnection>();
        try
        {
            for (var i = 0; i < 500; i++)
            {
                var connection = await RawConnection.OpenAsync(worker.Port);
                idle.Add(connection);

                // Half of them stop partway through a request head, as a stalled client does.
                if (i % 2 == 1)
                {
                    await connection.SendAsync("GET /hea");
                }
            }

            await StillServing.AssertAsync(worker);
        }
        finally
        {
            idle.ForEach(connection => connection.Dispose());
        }
    }

    [Fact]
    public async Task Connections_past_the_limit_close_the_ones_idle_longest()
    {
        await using var worker = await WorkerHost.StartAsync();
        var opened = new List<RawConnection>();
        var active = new List<RawConnection>();
        try
        {
            // The limit the README documents, written out so that a change to it fails here.
            for (var i = 0; i < 1000; i++)
            {
                opened.Add(await RawConnection.OpenAsync(worker.Port));
            }

            // Twenty in the middle are left idle and every other one is used, twice over so that each use comes
            // well after the last connection was accepted: the idlest are neither the first nor the last opened.
            const int Extra = 20;
            const int IdlestFrom = 490;
            var used = opened.Where((_, index) => index is < IdlestFrom or >= IdlestFrom + Extra).ToList();
            for (var pass = 0; pass < 2; pass++)
            {
                foreach (var connection in used)
                {
                    await connection.SendAsync("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
                    (await connection.ReadResponseAsync()).Status.Should().Be(200);
                }
            }

            // Each of these is accepted after every other one (the kernel queues connections in order) and
            // finds the port full, so one idle connection is closed to make room for it.
            for (var i = 0; i < Extra; i++)
            {
                var connection = await RawConnection.OpenAsync(worker.Port);
                active.Add(connection);
                await connection.SendAsync("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
                (await connection.ReadResponseAsync()).Status.Should().Be(200);
            }

            // The answers above came after each eviction, so each closed connection has its end of stream by now.
            var closed = Enumerable.Range(0, opened.Count).Where(index => opened[index].IsClosedByServer);

            closed.Should().Equal(Enumerable.Range(IdlestFrom, Extra), "one connection makes room for each new one, and it is one of those idle longest");
            foreach (var connection in active)
            {
                await connection.SendAsync("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
                (await connection.ReadResponseAsync()).Status.Should().Be(200, "a connection just used is not the idlest");
            }
        }
        finally
        {
            opened.Concat(active).ToList().ForEach(connection => connection.Dispose());
        }

        await StillServing.AssertAsync(worker);
    }
}
