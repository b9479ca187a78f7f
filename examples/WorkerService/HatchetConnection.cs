namespace WorkerService;

/// <summary>
/// Where the Hatchet engine is and how to reach it, read from the same variables as the Hatchet SDKs
/// (<c>sdks/python/hatchet_sdk/config.py</c> at upstream 89d130f): <c>HATCHET_CLIENT_TOKEN</c> alone is enough,
/// the engine's address and the tenant come from its claims; <c>HATCHET_CLIENT_HOST_PORT</c> and
/// <c>HATCHET_CLIENT_TENANT_ID</c> override them; the TLS variables are read by <see cref="HatchetTls"/>.
/// </summary>
internal sealed record HatchetConnection(Uri Address, string Token, string TenantId, HatchetTls Tls)
{
    public const string TokenVariable = "HATCHET_CLIENT_TOKEN";
    public const string HostPortVariable = "HATCHET_CLIENT_HOST_PORT";
    public const string TenantIdVariable = "HATCHET_CLIENT_TENANT_ID";

    /// <summary>The <c>authorization</c> value of every call, as <c>utils/api_auth.py</c> writes it (<c>bearer</c>, lower case).</summary>
    public string Authorization => $"bearer {this.Token}";

    /// <summary>The connection the configuration names, or <see langword="null"/> when it names no engine (no token, no host).</summary>
    public static HatchetConnection? From(IConfiguration configuration)
    {
        var token = configuration[TokenVariable];
        var hostPort = configuration[HostPortVariable];
        if (string.IsNullOrEmpty(token) && string.IsNullOrEmpty(hostPort))
        {
            return null;
        }

        // config.py lines 190-197: a token is required, whatever else is set.
        if (string.IsNullOrEmpty(token))
        {
            throw new InvalidOperationException($"{TokenVariable} must be set to reach the engine at {HostPortVariable}='{hostPort}': create an API token in the Hatchet dashboard.");
        }

        var claims = HatchetToken.Read(token);

        // config.py lines 199-200 and 212-216: the tenant and the gRPC address come from the token unless set.
        var tenantId = configuration[TenantIdVariable] is { Length: > 0 } tenant ? tenant : claims.TenantId;
        var (variable, target) = string.IsNullOrEmpty(hostPort)
            ? ($"the token's grpc_broadcast_address claim", claims.GrpcBroadcastAddress)
            : (HostPortVariable, hostPort);
        if (!Uri.TryCreate($"tcp://{target}", UriKind.Absolute, out var parsed) || parsed.Port <= 0 || parsed.AbsolutePath != "/")
        {
            throw new InvalidOperationException($"{variable}='{target}' is not a host:port.");
        }

        var tls = HatchetTls.From(configuration, parsed.DnsSafeHost);
        var address = new UriBuilder(tls.Encrypted ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, parsed.Host, parsed.Port).Uri;
        return new HatchetConnection(address, token, tenantId, tls);
    }
}
