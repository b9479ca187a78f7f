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

    /// <summary>
    /// The same with blocking calls only, for a test that has starved the thread pool and so cannot await.
    /// </summary>
    public static string Exchange(int port, string request, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)timeout.TotalMilliseconds,
            SendTimeout = (int)timeout.TotalMilliseconds,
        };
        socket.Connect(IPAddress.Loopback, port);
        socket.Send(Encoding.ASCII.GetBytes(request));

        var buffer = new byte[4096];
        var text = new StringBuilder();
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>A GET that asks the server to close the connection after its answer.</summary>
    public static string Get(string path) => $"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
}
