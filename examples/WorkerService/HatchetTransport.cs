using System.Globalization;
using Grpc.Net.Client;

namespace WorkerService;

/// <summary>
/// How the worker's gRPC channels reach the engine: TLS as <see cref="HatchetTls"/> says, keepalive pings as the
/// Python SDK sets them, and reconnect timings short enough for the worker to be back to HEALTHY within 5 s of
/// the engine coming back.
/// </summary>
/// <remarks>
/// Measured against a dispatcher stopped and started again on the same port (ExampleWorkerReconnectTests):
/// with Grpc.Net.Client's defaults (reconnect backoff from 1 s growing by 1.6 up to 120 s, no connect timeout)
/// and a listen backoff up to 8 s the worker came back after 12.7 s, most of it waiting out those backoffs.
/// </remarks>
internal static class HatchetTransport
{
    /// <summary>The first wait before the channel reconnects to an engine it lost (Grpc.Net.Client's default: 1 s).</summary>
    public static readonly TimeSpan InitialReconnectBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between reconnect attempts (Grpc.Net.Client's default: 120 s): one cheap TCP connect a second at most.</summary>
    public static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(1);

    /// <summary>How long one TCP and TLS connect may take before it counts as failed (SocketsHttpHandler's default: forever).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A ping once the engine has sent nothing for 10 s, also with no call in flight, as the Python SDK pings
    /// (<c>sdks/python/hatchet_sdk/connection.py</c> lines 59-63 at upstream 89d130f: <c>keepalive_time_ms</c> 10 000,
    /// <c>keepalive_permit_without_calls</c>). The engine allows it: it takes pings 5 s apart or more, with or without
    /// calls (<c>internal/services/grpc/server.go</c> lines 325-328, <c>MinTime</c> 5 s, <c>PermitWithoutStream</c>);
    /// pings more often than that would get the connection closed with <c>too_many_pings</c>.
    /// </summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a ping may go unanswered before the connection counts as dead and every call on it fails. Python
    /// gives 60 s (<c>keepalive_timeout_ms</c>); 10 s here, so that a worker on the old <c>Listen</c>, which makes no
    /// heartbeat calls and so sees a silent engine only through this, is UNHEALTHY within 30 s of the silence.
    /// SocketsHttpHandler checks its pings on a timer every max(1 s, min(delay, timeout) / 4) = 2.5 s; the last
    /// frame from the engine came at the latest when the silence began, so the ping goes out at most
    /// 10 + 2.5 s after it and the connection is given up at most 10 + 2.5 s after that: 25 s at worst, then the
    /// listen call fails and the healthcheck says UNHEALTHY. A healthy engine answers a ping within a round trip.
    /// </summary>
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The handler under the channel: one HTTP/2 connection per channel, pinged as the SDKs ping theirs.</summary>
    public static SocketsHttpHandler CreateHandler(HatchetConnection connection) => new()
    {
        ConnectTimeout = ConnectTimeout,
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,

        KeepAlivePingDelay = KeepAlivePingDelay,
        KeepAlivePingTimeout = KeepAlivePingTimeout,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        SslOptions = connection.Tls.ToSslOptions(),
    };

    /// <summary>The channel's own reconnect timings.</summary>
    public static void ConfigureChannel(GrpcChannelOptions options)
    {
        options.InitialReconnectBackoff = InitialReconnectBackoff;
        options.MaxReconnectBackoff = MaxReconnectBackoff;
    }

    /// <summary>
    /// Sends every call with the TLS server name as its host, as grpc's <c>ssl_target_name_override</c> does
    /// (<c>connection.py</c> lines 73-75): the handler then uses it for SNI and checks the engine's certificate
    /// against it, and the call's <c>:authority</c> carries it, while the connection still goes to the address.
    /// </summary>
    internal sealed class ServerNameHandler(HatchetConnection connection) : DelegatingHandler
    {
        private readonly string host = connection.Tls.ServerName.Contains(':', StringComparison.Ordinal)
            ? $"[{connection.Tls.ServerName}]:{connection.Address.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{connection.Tls.ServerName}:{connection.Address.Port.ToString(CultureInfo.InvariantCulture)}";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (connection.Tls.Encrypted)
            {
                request.Headers.Host = this.host;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
