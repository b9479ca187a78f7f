namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// The HTTP/2 handler under every call to the engine (the OTLP exporter's <c>HttpClient</c>, the <c>PutLog</c>
/// channel): a connection of its own, with TLS as <see cref="HatchetEngineTls"/> says.
/// </summary>
/// <remarks>
/// A plain <see cref="SocketsHttpHandler"/>, as <c>GrpcChannel</c> makes for itself. With a handler in front of it
/// (one that set each request's host to the server name) and the Python SDK's keepalive timings, the <c>PutLog</c>
/// calls after the engine hung or refused one were seen stuck or late (TaskLogOutageTests, 2 of 6 failing, every
/// time); without either, not. So the server name is applied in the certificate check instead.
/// </remarks>
internal static class HatchetEngineHandler
{
    /// <summary>A handler for <paramref name="connection"/>, on a connection of its own.</summary>
    public static SocketsHttpHandler Create(HatchetEngineConnection connection) => new()
    {
        SslOptions = connection.Tls.ToSslOptions(connection.Address.Host),
        EnableMultipleHttp2Connections = true,
    };
}
