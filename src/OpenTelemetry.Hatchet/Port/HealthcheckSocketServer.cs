using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Http;
using OpenTelemetry.Hatchet.Probes;
using OpenTelemetry.Hatchet.Scrape;

namespace OpenTelemetry.Hatchet.Port;

/// <summary>
/// Serves the public healthcheck port from one dedicated thread with plain sockets, so that <c>/health</c>,
/// <c>/livez</c> and <c>/readyz</c> answer, truthfully, even while the .NET thread pool is starved.
/// <c>/metrics</c> is relayed to the Prometheus exporter by <see cref="ScrapeRelay"/>, and answered here with the
/// package's own families (the fallback) when the relay cannot answer in time.
/// </summary>
/// <remarks>
/// .NET's HttpListener and Kestrel both complete their socket I/O on the thread pool, so a starved pool
/// silences them exactly when a probe matters most. This loop uses non-blocking sockets and
/// <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>
/// only. It holds no thread per connection, so idle or slow clients cost a buffer each, not a thread:
/// a request head must arrive within <see cref="RequestTimeout"/>, and at <see cref="MaxConnections"/> the
/// connection idle longest is closed to make room for a new one. After serving, it looks again without blocking
/// for a few tens of microseconds before it sleeps (<see cref="BusyLooks"/>), so a client's next request finds it awake.
/// <para>
/// A scrape is answered at once with the fallback while the pool is known starved: the exporter cannot answer
/// then. Otherwise it goes to the relay, and the loop keeps its socket in view: a scrape whose client has gone is
/// dropped, and one the relay has not answered by its deadline (from <c>X-Prometheus-Scrape-Timeout-Seconds</c>,
/// <see cref="ScrapeDeadline"/>), or that is waiting when the pool is found starved, gets the fallback. A healthy
/// worker's scrape gets the exporter's answer, with the runtime's metrics: the relay waits for nothing but it.
/// </para>
/// </remarks>
internal sealed class HealthcheckSocketServer : IDisposable
{
    public const int MaxConnections = 1000;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // After the answer, how long a closing connection is read and discarded so the client sees the answer.
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);
    private const int SelectTimeoutMicroseconds = 250_000;
    private const int AcceptsPerTurn = 64;

    private readonly Socket[] listeners;
    private readonly Dictionary<Socket, ClientConnection> connections = [];
    private readonly List<Socket> ready = [];
    private readonly List<ClientConnection> expired = [];
    private readonly BusyLooks looks = new();
    private readonly byte[] output = new byte[64 * 1024];
    private readonly ProbeEndpoints probes;
    private readonly HatchetWorkerHealth health;
    private readonly WaitingScrapes scrapes;
    private readonly TimeProvider time;
    private readonly HatchetFamiliesWriter.TargetInfo? targetInfo;
    private readonly long ticksPerMillisecond;
    private readonly ILogger logger;
    private readonly Thread thread;
    private volatile bool stopping;
    private long lastSweep;

    private HealthcheckSocketServer(Socket[] listeners, ProbeEndpoints probes, HatchetWorkerHealth health, HatchetFamiliesWriter.TargetInfo? targetInfo, TimeProvider time, ScrapeRelay relay, ILogger logger)
    {
        this.targetInfo = targetInfo;
        this.time = time;
        this.ticksPerMillisecond = Math.Max(1, time.TimestampFrequency / 1000);
        this.listeners = listeners;
        this.probes = probes;
        this.health = health;
        this.logger = logger;
        this.scrapes = new WaitingScrapes(relay);
        this.thread = new Thread(this.Run) { IsBackground = true, Name = "Hatchet healthcheck" };
    }

    /// <summary>Binds the port on every address and starts serving; the server owns the relay from then on, or disposes it if it cannot start.</summary>
    /// <exception cref="SocketException">The port cannot be bound on one of the addresses.</exception>
    public static HealthcheckSocketServer Start(IReadOnlyList<ListenAddress> addresses, int port, ProbeEndpoints probes, HatchetWorkerHealth health, HatchetFamiliesWriter.TargetInfo? targetInfo, TimeProvider time, ScrapeRelay relay, ILogger logger)
    {
        var listeners = new List<Socket>();
        try
        {
            foreach (var address in addresses)
            {
                listeners.Add(Listen(address, port));
            }
        }
        catch
        {
            listeners.ForEach(listener => listener.Dispose());
            relay.Dispose();
            throw;
        }

        var server = new HealthcheckSocketServer([.. listeners], probes, health, targetInfo, time, relay, logger);
        server.thread.Start();
        return server;
    }

    /// <remarks>The loop sees the stop within one turn: a quarter of a second at most.</remarks>
    public void Dispose()
    {
        this.stopping = true;
        this.thread.Join(TimeSpan.FromSeconds(5));
        foreach (var listener in this.listeners)
        {
            listener.Dispose();
        }

        // A relay still writing to a connection fails on its closed socket; it never touches the buffer.
        foreach (var connection in this.connections.Values)
        {
            connection.Close();
        }

        this.connections.Clear();
        this.scrapes.Dispose();
    }

    private static Socket Listen(ListenAddress address, int port)
    {
        var socket = new Socket(address.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = address.DualMode;
            }

            AllowBindingOverTimeWait(socket);
            socket.Bind(new IPEndPoint(address.Address, port));
            socket.Listen(512);
            socket.Blocking = false;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Lets a restarted host take the port while the old one's connections linger in TIME_WAIT. SO_REUSEADDR
    // is set by hand: .NET's ReuseAddress also sets SO_REUSEPORT (seen on Linux), which lets a second
    // worker of the same user listen on the same port and take a share of its probes, where it must be
    // told the port is taken. Windows is left as it is: there SO_REUSEADDR lets another socket take the port.
    private static void AllowBindingOverTimeWait(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            socket.SetRawSocketOption(0xffff /* SOL_SOCKET */, 0x4 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
        }
    }

    private void Run()
    {
        while (!this.stopping)
        {
            try
            {
                this.Turn();
            }
            catch (Exception exception)
            {
                // Sockets closed under the loop by Dispose end it; nothing may escape a dedicated thread.
                if (this.stopping)
                {
                    return;
                }

                // Whatever went wrong, the port must keep answering; the pause keeps a repeating fault from spinning.
                Log.ServeFailed(this.logger, exception);
                Thread.Sleep(100);
            }
        }
    }

    private void Turn()
    {
        this.WaitForReadiness();
        var now = this.Now();
        while (this.scrapes.TryTakeAnswered(out var answered))
        {
            this.Resume(answered, now);
        }

        foreach (var socket in this.ready)
        {
            if (Array.IndexOf(this.listeners, socket) >= 0)
            {
                this.Accept(socket, now);
            }
            else if (!this.connections.TryGetValue(socket, out var connection))
            {
                continue;
            }
            else if (connection.State == ConnectionState.Relaying)
            {
                switch (this.scrapes.Watch(connection.Relayed!))
                {
                    case Watched.Gone:
                        this.Close(connection);
                        break;
                    case Watched.Answered:
                        this.Resume(connection, now);
                        if (connection.State == ConnectionState.Reading)
                        {
                            this.Receive(connection, now);
                        }

                        break;
                }
            }
            else
            {
                this.Receive(connection, now);
            }
        }

        this.AnswerOverdueScrapes(now);
        if (now - this.lastSweep >= 1000)
        {
            this.Sweep(now);
        }
    }

    // Milliseconds on the host's clock: every deadline of the port (request, linger, scrape) is read from it.
    private long Now() => this.time.GetTimestamp() / this.ticksPerMillisecond;

    private void WaitForReadiness()
    {
        do
        {
            this.ready.Clear();
            this.ready.AddRange(this.listeners);
            foreach (var connection in this.connections.Values)
            {
                // A relayed scrape's socket is watched too: its client's next request once the relay has answered, its
                // closing a connection the relay ended after the answer (Connection: close), or its hanging up wakes
                // the loop, which needs no other wake-up.
                if (connection.State is ConnectionState.Reading or ConnectionState.Draining
                    || (connection.State == ConnectionState.Relaying && !connection.Relayed!.ClientSpoke))
                {
                    this.ready.Add(connection.Socket);
                }
            }

            Socket.Select(this.ready, null, null, this.looks.IsAwake ? 0 : this.scrapes.SelectTimeoutMicroseconds(this.Now(), SelectTimeoutMicroseconds));
        }
        while (!this.looks.Saw(this.ready.Count));
    }

    private void Accept(Socket listener, long now)
    {
        for (var i = 0; i < AcceptsPerTurn && listener.Poll(0, SelectMode.SelectRead); i++)
        {
            Socket client;
            try
            {
                client = listener.Accept();
            }
            catch (SocketException)
            {
                // The client gave up before it was accepted.
                return;
            }

            client.Blocking = false;
            client.NoDelay = true;
            if (this.connections.Count >= MaxConnections)
            {
                this.EvictIdlest();
            }

            this.connections.Add(client, new ClientConnection(client, now));
        }
    }

    private void EvictIdlest()
    {
        ClientConnection? idlest = null;
        foreach (var connection in this.connections.Values)
        {
            if (connection.State != ConnectionState.Relaying && (idlest is null || connection.RequestStarted < idlest.RequestStarted))
            {
                idlest = connection;
            }
        }

        if (idlest is not null)
        {
            this.Close(idlest);
        }
    }

    private void Receive(ClientConnection connection, long now)
    {
        if (connection.State == ConnectionState.Draining)
        {
            var discarded = connection.Socket.Receive(this.output, 0, this.output.Length, SocketFlags.None, out var drainError);
            if (drainError != SocketError.WouldBlock && (drainError != SocketError.Success || discarded == 0))
            {
                this.Close(connection);
            }

            return;
        }

        var read = connection.Socket.Receive(connection.Buffer, connection.Count, ClientConnection.MaxHeadLength - connection.Count, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return;
        }

        if (error != SocketError.Success || read == 0)
        {
            this.Close(connection);
            return;
        }

        connection.Count += read;
        this.Process(connection, now);
    }

    // Answers every complete request in the buffer: a client may send the next one before the answer.
    private void Process(ClientConnection connection, long now)
    {
        while (connection.State == ConnectionState.Reading && connection.Count > 0)
        {
            var parse = HttpRequestHead.TryParse(connection.Buffer.AsSpan(0, connection.Count), out var head);
            if (parse == HttpParse.Incomplete)
            {
                if (connection.Count >= ClientConnection.MaxHeadLength)
                {
                    this.Refuse(connection, 431, now);
                }

                return;
            }

            if (parse != HttpParse.Complete)
            {
                this.Refuse(connection, (int)parse, now);
                return;
            }

            // The body of a request with one is never read, so the connection cannot be reused after it.
            var keepAlive = head.KeepAlive && !head.HasBody;
            var scrape = head.Path == HealthcheckPath.Metrics && (head.IsGet || head.IsHead);
            if (scrape && !this.health.IsThreadPoolStarved)
            {
                if (this.scrapes.IsFull)
                {
                    this.Refuse(connection, 503, now);
                    return;
                }

                var relayed = new RelayedScrape(connection, head, connection.Buffer.AsSpan(0, head.Length), keepAlive, now);
                connection.Consume(head.Length);
                connection.State = ConnectionState.Relaying;
                connection.Relayed = relayed;
                this.scrapes.Relay(relayed);
                return;
            }

            var length = scrape
                ? this.WriteFallback(head.IsHead, ExpositionFormats.Negotiate(connection.Buffer.AsSpan(0, head.Length)[head.Accept]), keepAlive, "the thread pool is starved")
                : this.probes.Respond(head, this.output, keepAlive);
            connection.Consume(head.Length);
            if (length < 0 || !this.Send(connection, length))
            {
                this.Close(connection);
                return;
            }

            if (!keepAlive)
            {
                this.Linger(connection, now);
                return;
            }

            connection.RequestStarted = now;
        }
    }

    private void Refuse(ClientConnection connection, int status, long now)
    {
        var length = HttpResponseWriter.Write(this.output, status, HttpResponseWriter.PlainText, [], keepAlive: false, omitBody: false);
        if (this.Send(connection, length))
        {
            this.Linger(connection, now);
        }
        else
        {
            this.Close(connection);
        }
    }

    // Answers fit the socket's send buffer; a client that lets it fill is not reading, and is dropped.
    private bool Send(ClientConnection connection, int length)
    {
        var sent = connection.Socket.Send(this.output, 0, length, SocketFlags.None, out var error);
        return error == SocketError.Success && sent == length;
    }

    // Closing at once with unread request bytes would reset the connection and could destroy the answer.
    private void Linger(ClientConnection connection, long now)
    {
        try
        {
            connection.Socket.Shutdown(SocketShutdown.Send);
            connection.State = ConnectionState.Draining;
            connection.RequestStarted = now;
        }
        catch (SocketException)
        {
            this.Close(connection);
        }
    }

    private void AnswerOverdueScrapes(long now)
    {
        var reason = this.stopping ? "the worker is stopping" : this.health.IsThreadPoolStarved ? "the thread pool is starved" : null;
        foreach (var scrape in this.scrapes.TakeOverdue(now, all: reason is not null))
        {
            var connection = scrape.Connection;
            var length = this.WriteFallback(scrape.IsHead, scrape.Format, scrape.KeepAlive, reason ?? "the exporter did not answer within the scrape's deadline");
            connection.KeepAlive = scrape.KeepAlive;
            if (!this.Send(connection, length))
            {
                this.Close(connection);
                continue;
            }

            this.Resume(connection, now);
        }
    }

    // The Hatchet families alone, for a scrape the exporter cannot answer in time: small enough to send at once.
    private int WriteFallback(bool isHead, ExpositionFormat format, bool keepAlive, string reason)
    {
        Log.ScrapeAnsweredAlone(this.logger, reason);
        var body = HatchetFamiliesWriter.WriteExposition(this.health, format, this.targetInfo);
        return HttpResponseWriter.Write(this.output, 200, ExpositionFormats.ContentType(format), body, keepAlive, omitBody: isHead);
    }

    private void Resume(ClientConnection connection, long now)
    {
        connection.Relayed = null;
        if (this.stopping || !connection.KeepAlive)
        {
            this.Linger(connection, now);
            return;
        }

        connection.State = ConnectionState.Reading;
        connection.RequestStarted = now;
        this.Process(connection, now);
    }

    private void Sweep(long now)
    {
        this.lastSweep = now;
        foreach (var connection in this.connections.Values)
        {
            var age = now - connection.RequestStarted;
            if ((connection.State == ConnectionState.Reading && age > RequestTimeout.TotalMilliseconds)
                || (connection.State == ConnectionState.Draining && age > LingerTimeout.TotalMilliseconds))
            {
                this.expired.Add(connection);
            }
        }

        foreach (var connection in this.expired)
        {
            this.Close(connection);
        }

        this.expired.Clear();
    }

    private void Close(ClientConnection connection)
    {
        this.connections.Remove(connection.Socket);
        connection.Close();
    }
}
