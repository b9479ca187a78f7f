using OpenTelemetry.Hatchet.Port;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using static OpenTelemetry.Hatchet.Tests.Http.RequestText;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>What RFC 9110 and 9112 require of the port, tried from outside through a real socket against a running worker.</summary>
public sealed class ConformanceOverSocketTests
{
    // Far less than the request timeout a client would otherwise wait out, far more than an answer takes.
    private static readonly TimeSpan Prompt = HealthcheckSocketServer.RequestTimeout / 2;

    [Fact]
    public async Task Http11_request_without_host_is_answered_400_and_closed()
    {
        await AssertRefused400Async("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
    }

    [Fact]
    public async Task Request_with_two_host_fields_is_answered_400_and_closed()
    {
        await AssertRefused400Async("GET /health HTTP/1.1\r\nHost: localhost\r\nHost: worker\r\n\r\n");
    }

    [Fact]
    public async Task Request_with_two_different_content_lengths_is_answered_400_and_closed()
    {
        await AssertRefused400Async("POST /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    }

    [Fact]
    public async Task Tls_client_hello_is_answered_400_and_closed_at_once()
    {
        // The start of a TLS 1.2 ClientHello record, its random chosen without a line feed: none may ever come.
        byte[] clientHello = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, .. Enumerable.Range(0x80, 32).Select(i => (byte)i)];

        await AssertRefused400Async(clientHello);
    }

    [Fact]
    public async Task Other_protocols_greeting_without_a_line_feed_is_answered_400_and_closed_at_once()
    {
        await AssertRefused400Async("SSH-2.0-OpenSSH_9.2p1 Debian-2\r");
    }

    [Theory]
    [InlineData("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200)]
    [InlineData("HEAD /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200)]
    [InlineData("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200)]
    [InlineData("GET /nothing-here HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 404)]
    [InlineData("DELETE /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 405)]
    [InlineData("GET /health HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET /health HTTP/2.0\r\nHost: localhost\r\n\r\n", 505)]
    public async Task Every_answer_carries_the_date(string request, int status)
    {
        await using var worker = await WorkerHost.StartAsync();

        var (received, closed) = await DeadlineClient.ExchangeAsync(worker.Port, Bytes(request), RawConnection.ReadTimeout);

        closed.Should().BeTrue();
        var response = ResponseText.Read(received, toHead: request.StartsWith("HEAD", StringComparison.Ordinal));
        response.Status.Should().Be(status);
        var date = DateTime.ParseExact(response.Field("Date")!, "r", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        date.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromSeconds(30));
    }

    private static Task AssertRefused400Async(string request) => AssertRefused400Async(Bytes(request));

    private static async Task AssertRefused400Async(byte[] request)
    {
        await using var worker = await WorkerHost.StartAsync();

        var (received, closed) = await DeadlineClient.ExchangeAsync(worker.Port, request, Prompt);

        closed.Should().BeTrue("the server closes the connection after refusing it, without waiting out its {0} request timeout", HealthcheckSocketServer.RequestTimeout);
        var response = ResponseText.Read(received);
        response.Status.Should().Be(400);
        response.Field("Connection").Should().Be("close");
        await StillServing.AssertAsync(worker);
    }
}
