using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WorkerService;

/// <summary>
/// What a Hatchet API token says about where its engine is, read as the Python SDK reads it
/// (<c>sdks/python/hatchet_sdk/token.py</c> at upstream 89d130f, lines 6-31): the token is a JWT of three
/// dot-separated parts, and its base64url payload carries <c>sub</c> (the tenant id), <c>server_url</c> and
/// <c>grpc_broadcast_address</c>, all three required. The signature is the engine's to check, not the worker's.
/// </summary>
internal sealed record HatchetToken(string TenantId, string ServerUrl, string GrpcBroadcastAddress)
{
    private const string Variable = "HATCHET_CLIENT_TOKEN";

    /// <summary>Reads the claims, or throws naming the variable; never with the token itself in the message.</summary>
    public static HatchetToken Read(string token)
    {
        // config.py lines 194-197 refuse a token that does not start with "ey" and show only its first characters.
        if (!token.StartsWith("ey", StringComparison.Ordinal))
        {
            throw Invalid(token, "it is not a JWT (a Hatchet token starts with 'ey')");
        }

        // token.py lines 23-25: exactly three parts.
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw Invalid(token, $"a JWT has 3 dot-separated parts, this one has {parts.Length}");
        }

        Claims? claims;
        try
        {
            // token.py lines 27-31: the second part, padded, base64url-decoded, parsed as JSON.
            claims = JsonSerializer.Deserialize(DecodeBase64Url(parts[1]), TokenJsonContext.Default.Claims);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            throw Invalid(token, $"its payload is not base64url-encoded JSON ({exception.Message})");
        }

        // token.py lines 6-9: pydantic requires the three claims.
        string Required(string? value, string name)
            => value is { Length: > 0 } ? value : throw Invalid(token, $"its claims have no '{name}'");

        return new HatchetToken(
            Required(claims?.Sub, "sub"),
            Required(claims?.ServerUrl, "server_url"),
            Required(claims?.GrpcBroadcastAddress, "grpc_broadcast_address"));
    }

    private static byte[] DecodeBase64Url(string part)
    {
        var base64 = new StringBuilder(part.Length + 3).Append(part).Replace('-', '+').Replace('_', '/');
        base64.Append('=', (4 - (part.Length % 4)) % 4);
        return Convert.FromBase64String(base64.ToString());
    }

    // A token is a secret: like config.py line 196, the message shows its first five characters only.
    private static InvalidOperationException Invalid(string token, string why)
        => new($"{Variable}='{token[..Math.Min(5, token.Length)]}...' is not a Hatchet API token: {why}.");

    /// <summary>The token's payload; only the claims the worker reads.</summary>
    internal sealed record Claims(
        [property: JsonPropertyName("sub")] string? Sub,
        [property: JsonPropertyName("server_url")] string? ServerUrl,
        [property: JsonPropertyName("grpc_broadcast_address")] string? GrpcBroadcastAddress);
}

/// <summary>Source-generated, so reading a token stays trim- and Native-AOT-safe.</summary>
[JsonSerializable(typeof(HatchetToken.Claims))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
