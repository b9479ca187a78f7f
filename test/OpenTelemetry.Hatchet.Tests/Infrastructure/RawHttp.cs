using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Bytes on the wire, for what HttpClient would hide or tidy up.</summary>
internal static class RawHttp
{
    /// <summary>Sends the request as written and reads until the server closes the connection.</summary>
    /// <exception cref="TimeoutException">
    /// The server had not closed the connection after <see cref="RawConnection.ReadTimeout"/>: a server that
    /// keeps it open fails the test in seconds instead of hanging the run.
    /// </exception>
    public static async Task<string> ExchangeAsync(int port, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(RawConnection.ReadTimeout);
        var text = new StringBuilder();
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), deadline.Token);

            var buffer = new byte[4096];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, deadline.Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The server had not closed the connection after {RawConnection.ReadTimeout.TotalSeconds} s; received so far:\n{text}");
        }

        return text.ToString();
    }

    /// <summary>
    /// The same with blocking calls only, for a test that has starved the thread pool and so cannot await.
    /// Each send and receive may wait <paramref name="timeout"/>, and the whole exchange four times that.
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

        // The receive timeout bounds each wait; a server that trickles bytes and never closes is bounded here.
        var giveUp = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * 4 * Stopwatch.Frequency);
        var buffer = new byte[4096];
        var text = new StringBuilder();
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            if (Stopwatch.GetTimestamp() > giveUp)
            {
                throw new TimeoutException($"The server had not closed the connection after {timeout.TotalSeconds * 4} s; received so far:\n{text}");
            }
        }

        return text.ToString();
    }

    /// <summary>A GET that asks the server to close the connection after its answer.</summary>
    public static string Get(string path) => $"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
}
