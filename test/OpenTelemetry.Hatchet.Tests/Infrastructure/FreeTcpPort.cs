using System.Net;
using System.Net.Sockets;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Ports for tests running in parallel: each test gets its own, and none is one a client may be using.</summary>
/// <remarks>
/// Ports are taken from below Linux's ephemeral range (32768 and up), where the kernel picks the local
/// ports of outgoing connections: the tests make thousands of those, and a port handed out by the
/// kernel could be in use as one of them by the time a worker tries to listen on it.
/// </remarks>
internal static class FreeTcpPort
{
    private const int First = 20000;
    private const int Count = 12000;

    private static int next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (Interlocked.Increment(ref next) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free port from {First} to {First + Count - 1}.");
    }

    /// <summary>Whether anything accepts connections on the port on loopback, or on the address given.</summary>
    public static bool IsListening(int port, IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        using var client = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            client.Connect(address, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
