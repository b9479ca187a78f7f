using System.Globalization;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// The HTTP/2 handler under every call to the engine (the OTLP exporter's <c>HttpClient</c>, the <c>PutLog</c>
/// channel): TLS as <see cref="HatchetEngineTls"/> says, and each request sent with the TLS server name as its host,
/// as grpc's <c>ssl_target_name_override</c> does (<c>connection.py</c> lines 73-75 at upstream 89d130f), so that
/// the name is the one sent for SNI and checked against the engine's certificate, while the connection still goes
/// to the address.
/// </summary>
internal sealed class HatchetEngineHandler : DelegatingHandler
{
    private readonly string? host;

    private HatchetEngineHandler(HatchetEngineConnection connection, HttpMessageHandler inner)
        : base(inner)
    {
        var tls = connection.Tls;
        var port = connection.Address.Port.ToString(CultureInfo.InvariantCulture);
        this.host = !tls.Encrypted || string.Equals(tls.ServerName, connection.Address.Host, StringComparison.OrdinalIgnoreCase)
            ? null
            : tls.ServerName.Contains(':', StringComparison.Ordinal) ? $"[{tls.ServerName}]:{port}" : $"{tls.ServerName}:{port}";
    }

    /// <summary>A handler for <paramref name="connection"/>, on a connection of its own.</summary>
    /// <param name="connection">The engine.</param>
    /// <param name="outer">A handler to put in front of it, such as the exporter's <c>UNIMPLEMENTED</c> back-off.</param>
    public static HttpMessageHandler Create(HatchetEngineConnection connection, DelegatingHandler? outer = null)
    {
        var handler = new HatchetEngineHandler(connection, new SocketsHttpHandler
        {
            SslOptions = connection.Tls.ToSslOptions(),
            EnableMultipleHttp2Connections = true,

            // As the Python SDK's channel pings an idle connection (connection.py lines 59-63: keepalive 10 s, 60 s timeout).
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        });
        if (outer is null)
        {
            return handler;
        }

        outer.InnerHandler = handler;
        return outer;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        this.SetHost(request);
        return base.Send(request, cancellationToken);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        this.SetHost(request);
        return base.SendAsync(request, cancellationToken);
    }

    private void SetHost(HttpRequestMessage request)
    {
        if (this.host is not null)
        {
            request.Headers.Host = this.host;
        }
    }
}
