using System.Net;
using System.Net.Sockets;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>Ports for the servers a benchmark starts in this process.</summary>
internal static class LoopbackPort
{
    /// <summary>A port nothing listens on now, chosen by the kernel.</summary>
    public static int Unused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
