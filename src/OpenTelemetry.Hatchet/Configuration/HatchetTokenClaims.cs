using System.Buffers.Text;
using System.Text.Json;
using static OpenTelemetry.Hatchet.Configuration.HatchetEnvironmentVariables;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// What a Hatchet API token says about its engine, read as the Python SDK reads it (<c>sdks/python/hatchet_sdk/token.py</c>
/// lines 6-31 at upstream 89d130f): a JWT of three dot-separated parts whose base64url payload carries <c>sub</c> (the
/// tenant), <c>server_url</c> and <c>grpc_broadcast_address</c>, all three required. The signature is the engine's to check.
/// </summary>
internal sealed record HatchetTokenClaims(string TenantId, string ServerUrl, string GrpcBroadcastAddress)
{
    /// <summary>Reads the claims, or adds to <paramref name="failures"/> why the token is not one; never with the token itself in the message.</summary>
    public static HatchetTokenClaims? Read(string token, List<string> failures)
    {
        // config.py lines 194-197 refuse a token that does not start with "ey" and show only its first five characters.
        if (!token.StartsWith("ey", StringComparison.Ordinal))
        {
            return Refuse(token, "not a JWT (a Hatchet API token starts with 'ey')", failures);
        }

        // token.py lines 23-25: exactly three parts.
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return Refuse(token, $"not a JWT (3 dot-separated parts; this one has {parts.Length})", failures);
        }

        string? sub = null, serverUrl = null, grpcBroadcastAddress = null;
        try
        {
            // token.py lines 27-31: the second part, base64url-decoded, parsed as a JSON object.
            var reader = new Utf8JsonReader(Base64Url.DecodeFromChars(parts[1]));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Refuse(token, "a JWT whose payload is not a JSON object", failures);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
                switch (name)
                {
                    case "sub": sub = value; break;
                    case "server_url": serverUrl = value; break;
                    case "grpc_broadcast_address": grpcBroadcastAddress = value; break;
                }
            }
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return Refuse(token, "a JWT whose payload is not base64url-encoded JSON", failures);
        }

        // token.py lines 6-9: pydantic requires the three claims, as strings.
        foreach (var (claim, value) in new[] { ("sub", sub), ("server_url", serverUrl), ("grpc_broadcast_address", grpcBroadcastAddress) })
        {
            if (string.IsNullOrEmpty(value))
            {
                return Refuse(token, $"a JWT without the '{claim}' claim a Hatchet API token carries", failures);
            }
        }

        return new HatchetTokenClaims(sub!, serverUrl!, grpcBroadcastAddress!);
    }

    /// <summary>The token as a message may show it: its first five characters, as <c>config.py</c> line 196 shows it.</summary>
    public static string Shown(string token) => token.Length <= 5 ? token : token[..5] + "...";

    private static HatchetTokenClaims? Refuse(string token, string why, List<string> failures)
    {
        failures.Add($"{Token}='{Shown(token)}' is {why}: use an API token created in the Hatchet dashboard.");
        return null;
    }
}
