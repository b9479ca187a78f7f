using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// A TCP relay on loopback between a worker and its engine that can go silent as a network partition does:
/// frozen, it relays nothing more in either direction, not even a connection's end, and keeps every socket open,
/// so neither side sees a reset or a close; thawed, it relays what it held and carries on. A connection made
/// while frozen is accepted (on loopback the kernel completes the handshake whatever the relay does) and held
/// the same way.
/// </summary>
/// <remarks>
/// Each accepted connection gets its own connection to the target and a pump each way. A pump reads, then waits
/// for the relay to be thawed before it writes what it read (or shuts the other side down at the end), so a
/// freeze holds back at most one read per direction and passes nothing on until the thaw.
/// </remarks>
internal sealed class FreezableRelay : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly Socket listener;
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource closing = new();
    private readonly ConcurrentDictionary<Socket, bool> sockets = new();
    private readonly ConcurrentBag<Task> pumps = [];
    private readonly Task accepting;
    private readonly Lock gate = new();
    private TaskCompletionSource thawed = NewThawed(open: true);
    private int frozen;
    private int forwarding;
    private int connections;

    private FreezableRelay(int targetPort)
    {
        this.target = new IPEndPoint(IPAddress.Loopback, targetPort);
        this.Port = FreeTcpPort.Next();
        this.listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        this.listener.Bind(new IPEndPoint(IPAddress.Loopback, this.Port));
        this.listener.Listen();
        this.accepting = Task.Run(this.AcceptAsync);
    }

    /// <summary>Gets the port a worker connects to instead of the target's.</summary>
    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{this.Port}");

    public string HostPort => $"127.0.0.1:{this.Port}";

    /// <summary>Gets how many connections the relay has accepted so far.</summary>
    public int Connections => Volatile.Read(ref this.connections);

    public bool IsFrozen => Volatile.Read(ref this.frozen) == 1;

    /// <summary>Starts relaying from a free port of 127.0.0.1 to <paramref name="targetPort"/> on 127.0.0.1.</summary>
    public static FreezableRelay To(int targetPort) => new(targetPort);

    /// <summary>Stops relaying; once this returns, no byte and no end of a connection passes until <see cref="Thaw"/>.</summary>
    public async Task FreezeAsync()
    {
        lock (this.gate)
        {
            if (this.thawed.Task.IsCompleted)
            {
                this.thawed = NewThawed(open: false);
            }
        }

        Interlocked.Exchange(ref this.frozen, 1);

        // A write that began before the freeze may still be under way: wait until it is done.
        while (Volatile.Read(ref this.forwarding) > 0)
        {
            await Task.Delay(1);
        }
    }

    /// <summary>Relays again, beginning with what was held.</summary>
    public void Thaw()
    {
        lock (this.gate)
        {
            Interlocked.Exchange(ref this.frozen, 0);
            this.thawed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await this.closing.CancelAsync();
        this.listener.Dispose();
        foreach (var socket in this.sockets.Keys)
        {
            socket.Dispose();
        }

        this.Thaw();
        await this.accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(this.pumps).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        this.closing.Dispose();
    }

    private static TaskCompletionSource NewThawed(bool open)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            source.SetResult();
        }

        return source;
    }

    private async Task AcceptAsync()
    {
        while (!this.closing.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await this.listener.AcceptAsync(this.closing.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref this.connections);
            this.sockets[client] = true;
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            this.sockets[server] = true;
            this.pumps.Add(this.RelayAsync(client, server));
        }
    }

    private async Task RelayAsync(Socket client, Socket server)
    {
        try
        {
            // A partitioned worker's new connection reaches no engine: the target sees it only after the thaw.
            await this.WaitThawedAsync();
            await server.ConnectAsync(this.target, this.closing.Token);
            await Task.WhenAll(this.PumpAsync(client, server), this.PumpAsync(server, client));
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            this.Close(client);
            this.Close(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            int read;
            try
            {
                read = await from.ReceiveAsync(buffer, SocketFlags.None, this.closing.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // A reset, as an end: both sides are closed, but only once the relay is thawed.
                read = -1;
            }

            await this.EnterThawedAsync();
            try
            {
                if (read > 0)
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, this.closing.Token);
                    continue;
                }

                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                this.Close(from);
                this.Close(to);
                return;
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                this.Close(from);
                this.Close(to);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref this.forwarding);
            }
        }
    }

    private async Task WaitThawedAsync()
    {
        while (Volatile.Read(ref this.frozen) == 1 || !this.ThawedTask().IsCompleted)
        {
            await this.ThawedTask();
        }
    }

    // Waits for the thaw and counts the pump as forwarding; FreezeAsync waits for the count to drop to 0.
    private async Task EnterThawedAsync()
    {
        while (true)
        {
            await this.ThawedTask();
            Interlocked.Increment(ref this.forwarding);
            if (Volatile.Read(ref this.frozen) == 0)
            {
                return;
            }

            Interlocked.Decrement(ref this.forwarding);
        }
    }

    private Task ThawedTask()
    {
        lock (this.gate)
        {
            return this.thawed.Task;
        }
    }

    private void Close(Socket socket)
    {
        if (this.sockets.TryRemove(socket, out _))
        {
            socket.Dispose();
        }
    }
}
