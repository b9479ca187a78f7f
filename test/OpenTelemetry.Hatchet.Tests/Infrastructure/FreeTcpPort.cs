using System.Net;
using System.Net.Sockets;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Ports the kernel has just handed out, so that tests running in parallel do not collide.</summary>
internal static class FreeTcpPort
{
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Whether anything accepts connections on the port on loopback.</summary>
    public static bool IsListening(int port)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
