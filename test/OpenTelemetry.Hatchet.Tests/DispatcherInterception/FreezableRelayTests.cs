using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// The relay the silent-engine tests put between a worker and its engine, checked on plain sockets: frozen, it
/// passes nothing and closes nothing; thawed, it passes what it held.
/// </summary>
public sealed class FreezableRelayTests
{
    /// <summary>How long a frozen relay is watched for a byte it must not pass: absence has no event to wait for.</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Frozen_relay_passes_no_byte_either_way_and_thawed_passes_what_it_held()
    {
        await using var pair = await Pair.ConnectAsync();
        await pair.Client.SendAsync("a"u8.ToArray());
        (await ReceiveAsync(pair.Server, 1)).Should().Be("a");
        await pair.Server.SendAsync("b"u8.ToArray());
        (await ReceiveAsync(pair.Client, 1)).Should().Be("b");

        await pair.Relay.FreezeAsync();
        await pair.Client.SendAsync("up"u8.ToArray());
        await pair.Server.SendAsync("down"u8.ToArray());
        var upWhileFrozen = await ReceiveWithinAsync(pair.Server, Silence);
        var downWhileFrozen = await ReceiveWithinAsync(pair.Client, Silence);
        pair.Relay.Thaw();

        upWhileFrozen.Should().BeEmpty("a frozen relay passes nothing from the worker to the engine");
        downWhileFrozen.Should().BeEmpty("a frozen relay passes nothing from the engine to the worker");
        (await ReceiveAsync(pair.Server, 2)).Should().Be("up");
        (await ReceiveAsync(pair.Client, 4)).Should().Be("down");
    }

    [Fact]
    public async Task Frozen_relay_keeps_the_other_socket_open_when_one_side_closes_and_passes_the_close_once_thawed()
    {
        await using var pair = await Pair.ConnectAsync();

        await pair.Relay.FreezeAsync();
        pair.Client.Shutdown(SocketShutdown.Both);
        var whileFrozen = await ReceiveWithinAsync(pair.Server, Silence);
        pair.Relay.Thaw();

        whileFrozen.Should().BeEmpty("the engine's socket sees no end while frozen");
        (await ReceiveWithinAsync(pair.Server, TimeSpan.FromSeconds(10))).Should().BeNull("the end reaches the engine after the thaw");
    }

    [Fact]
    public async Task Connection_made_while_frozen_reaches_the_target_only_once_thawed()
    {
        using var target = Listening();
        await using var relay = FreezableRelay.To(((IPEndPoint)target.LocalEndPoint!).Port);
        await relay.FreezeAsync();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, relay.Port, TestContext.Current.CancellationToken);
        await client.SendAsync("hello"u8.ToArray());
        await Eventually.Until(() => relay.Connections == 1, "the relay to accept the connection");
        using var early = new CancellationTokenSource(Silence);
        var acceptedWhileFrozen = await AcceptWithinAsync(target, early.Token);
        relay.Thaw();
        using var server = acceptedWhileFrozen ?? await target.AcceptAsync(TestContext.Current.CancellationToken);

        acceptedWhileFrozen.Should().BeNull("no connection reaches the engine through a frozen relay");
        (await ReceiveAsync(server, 5)).Should().Be("hello");
    }

    private static Socket Listening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        return socket;
    }

    private static async Task<Socket?> AcceptWithinAsync(Socket listener, CancellationToken cancel)
    {
        try
        {
            return await listener.AcceptAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, with a deadline.</summary>
    private static async Task<string> ReceiveAsync(Socket socket, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            n.Should().BePositive("the connection must still be open");
            read += n;
        }

        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>What arrives within the time: empty when nothing did, <see langword="null"/> when the peer closed.</summary>
    private static async Task<string?> ReceiveWithinAsync(Socket socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[64];
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return n == 0 ? null : Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            return string.Empty;
        }
    }

    private sealed class Pair : IAsyncDisposable
    {
        private readonly Socket target;

        private Pair(Socket target, FreezableRelay relay, Socket client, Socket server)
        {
            this.target = target;
            this.Relay = relay;
            this.Client = client;
            this.Server = server;
        }

        public FreezableRelay Relay { get; }

        /// <summary>Gets the worker's end.</summary>
        public Socket Client { get; }

        /// <summary>Gets the engine's end, as the target accepted it from the relay.</summary>
        public Socket Server { get; }

        public static async Task<Pair> ConnectAsync()
        {
            var target = Listening();
            var relay = FreezableRelay.To(((IPEndPoint)target.LocalEndPoint!).Port);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, relay.Port, TestContext.Current.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var server = await target.AcceptAsync(timeout.Token);
            return new Pair(target, relay, client, server);
        }

        public async ValueTask DisposeAsync()
        {
            this.Client.Dispose();
            this.Server.Dispose();
            await this.Relay.DisposeAsync();
            this.target.Dispose();
        }
    }
}
