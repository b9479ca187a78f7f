using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// Starts an <see cref="HttpListener"/>, narrowing and surviving a race in .NET's managed implementation.
/// </summary>
/// <remarks>
/// <para>
/// The managed HttpListener's endpoint starts accepting connections before it has finished initialising
/// itself. A client that connects in that instant (a probe or a scrape arriving as the worker boots) makes
/// it fault in one of two ways. If the connection was already waiting, <see cref="HttpListener.Start"/>
/// throws an <see cref="ArgumentNullException"/> and leaves the listening socket open until its finalizer
/// runs, so every later attempt fails with "Address already in use"; this class collects that socket and
/// tries again. If the connection arrives a moment later, the same exception is thrown on a thread-pool
/// thread and ends the process, and nothing outside .NET can catch it.
/// </para>
/// <para>
/// The instant lasts as long as the endpoint's constructor. The first HttpListener a process starts takes
/// 2.5 ms (Release) to 9 ms (Debug) here, most of it compiling code; later ones take about 0.1 ms.
/// Starting one first on a private loopback port, which no client knows, makes the public start one of
/// the fast ones.
/// </para>
/// </remarks>
internal static class HttpListenerStartup
{
    private const int Attempts = 5;

    private static int warmedUp;

    /// <summary>Starts a listener on the prefixes; an <see cref="HttpListenerException"/> means the port is not available.</summary>
    public static HttpListener Start(IReadOnlyList<string> prefixes, ILogger logger)
    {
        WarmUpOnce();
        for (var attempt = 1; ; attempt++)
        {
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            foreach (var prefix in prefixes)
            {
                listener.Prefixes.Add(prefix);
            }

            try
            {
                listener.Start();
                return listener;
            }
            catch (Exception exception) when (exception is not HttpListenerException && attempt < Attempts)
            {
                listener.Close();
                Log.StartRaced(logger, attempt, exception);
                ReleaseAbandonedSockets();
            }
            catch
            {
                listener.Close();
                throw;
            }
        }
    }

    private static void WarmUpOnce()
    {
        if (Interlocked.Exchange(ref warmedUp, 1) != 0)
        {
            return;
        }

        var warmUp = new HttpListener();
        try
        {
            warmUp.Prefixes.Add($"http://127.0.0.1:{UnusedLoopbackPort()}/");
            warmUp.Start();
        }
        catch (Exception exception) when (exception is HttpListenerException or SocketException)
        {
            // Someone took the port in between: the warm-up only shortens the public start, it is not needed.
        }
        finally
        {
            warmUp.Close();
        }
    }

    /// <summary>A loopback port that nothing listens on, for a listener no client knows about.</summary>
    internal static int UnusedLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    // The abandoned endpoint holds the port through its socket's finalizer; run it now rather than at the next GC.
    private static void ReleaseAbandonedSockets()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
