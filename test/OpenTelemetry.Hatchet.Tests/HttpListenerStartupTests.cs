using System.Net;
using System.Net.Sockets;
using OpenTelemetry.Hatchet.Healthcheck;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class HttpListenerStartupTests
{
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
