using System.Net;
using System.Net.Http.Headers;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>Plain HTTP on loopback, one connection per request, as a probe or a scraper makes it.</summary>
internal sealed class HealthcheckClient(int port, string host = "127.0.0.1")
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public Task<Reply> GetAsync(string path, string? hostHeader = null) => this.SendAsync(HttpMethod.Get, path, hostHeader: hostHeader);

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? body = null, string? hostHeader = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, new Uri($"http://{host}:{port}{path}"));
        request.Headers.ConnectionClose = true;
        if (hostHeader is not null)
        {
            request.Headers.Host = hostHeader;
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType, text, response.Headers, response.Content.Headers);
    }

    internal sealed record Reply(HttpStatusCode Status, MediaTypeHeaderValue? ContentType, string Body, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders);
}
