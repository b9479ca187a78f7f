using System.Net;
using System.Net.Sockets;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>Sends raw bytes on a connection of its own and reads until the server closes it or a deadline passes.</summary>
internal static class DeadlineClient
{
    /// <returns>Every byte received, and whether the server closed (or reset) the connection before the deadline.</returns>
    public static async Task<(byte[] Received, bool Closed)> ExchangeAsync(int port, byte[] request, TimeSpan deadline)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancellation.CancelAfter(deadline);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellation.Token);
        await socket.SendAsync(request, SocketFlags.None, cancellation.Token);

        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            return (received.ToArray(), true);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (received.ToArray(), true);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return (received.ToArray(), false);
        }
    }
}
