using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Bytes on the wire, for what HttpClient would hide or tidy up.</summary>
internal static class RawHttp
{
    /// <summary>Sends the request as written and reads until the server closes the connection.</summary>
    public static async Task<string> ExchangeAsync(int port, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var cancellation = TestContext.Current.CancellationToken;
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellation);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), cancellation);

        var buffer = new byte[4096];
        var text = new StringBuilder();
        int read;
        while ((read = await socket.ReceiveAsync(buffer, cancellation)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
