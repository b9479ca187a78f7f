namespace WorkerService;

/// <summary>
/// Where the Hatchet engine is, read from the same variables as the Hatchet SDKs:
/// <c>HATCHET_CLIENT_HOST_PORT</c>, <c>HATCHET_CLIENT_TOKEN</c> and <c>HATCHET_CLIENT_TLS_STRATEGY</c>.
/// </summary>
internal sealed record HatchetConnection(Uri Address, string? Token)
{
    /// <summary>The connection the configuration names, or <see langword="null"/> when it names no engine.</summary>
    public static HatchetConnection? From(IConfiguration configuration)
    {
        if (configuration["HATCHET_CLIENT_HOST_PORT"] is not { Length: > 0 } hostPort)
        {
            return null;
        }

        var strategy = configuration["HATCHET_CLIENT_TLS_STRATEGY"];
        var scheme = strategy?.ToUpperInvariant() switch
        {
            null or "" or "TLS" => "https",
            "NONE" => "http",
            _ => throw new InvalidOperationException($"HATCHET_CLIENT_TLS_STRATEGY='{strategy}' is not valid: use 'tls' or 'none'."),
        };

        if (!Uri.TryCreate($"{scheme}://{hostPort}", UriKind.Absolute, out var address))
        {
            throw new InvalidOperationException($"HATCHET_CLIENT_HOST_PORT='{hostPort}' is not a host:port.");
        }

        return new HatchetConnection(address, configuration["HATCHET_CLIENT_TOKEN"]);
    }
}
