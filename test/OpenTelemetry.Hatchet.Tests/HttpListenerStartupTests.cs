using System.Net;
using System.Net.Sockets;
using OpenTelemetry.Hatchet.Healthcheck;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class HttpListenerStartupTests
{
    [Fact]
    public void Listener_starts_while_clients_keep_connecting()
    {
        var port = FreeTcpPort.Next();
        using var logs = new CapturedLogs();
        var logger = logs.CreateLogger("test");
        var stop = 0;
        var connected = 0;
        var client = new Thread(() =>
        {
            // A probe that never gives up: it connects again the moment each attempt ends.
            while (Volatile.Read(ref stop) == 0)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Connect(IPAddress.Loopback, port);
                    Interlocked.Increment(ref connected);
                }
                catch (SocketException)
                {
                }
            }
        });
        client.Start();

        try
        {
            for (var start = 0; start < 300; start++)
            {
                var listener = HttpListenerStartup.Start([$"http://127.0.0.1:{port}/"], logger);
                listener.Close();
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            client.Join();
        }

        connected.Should().BeGreaterThan(0, "the client should have reached the listener while it was up");
    }

    [Fact]
    public void Taken_port_is_reported_as_an_http_listener_exception()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        using var logs = new CapturedLogs();

        var start = () => HttpListenerStartup.Start([$"http://127.0.0.1:{port}/"], logs.CreateLogger("test"));

        start.Should().Throw<HttpListenerException>().WithMessage("*Address already in use*");
    }
}
