using System.Text;
using System.Text.Json;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>
/// API tokens shaped like the engine's: a JWT whose payload carries <c>sub</c> (the tenant), <c>server_url</c>
/// and <c>grpc_broadcast_address</c>. The signature is never checked by a worker, so it is a placeholder.
/// </summary>
internal static class HatchetTestTokens
{
    public const string Tenant = "707d0855-80ab-4e1f-a156-f1c4546cbf52";

    public static string For(string grpcBroadcastAddress, string tenant = Tenant)
        => Jwt(new Dictionary<string, string> { ["sub"] = tenant, ["server_url"] = "http://localhost:8080", ["grpc_broadcast_address"] = grpcBroadcastAddress });

    /// <summary>A JWT with exactly the claims given, to build tokens that lack one.</summary>
    public static string Jwt(Dictionary<string, string> claims)
        => $"{Encode("""{"alg":"ES256","kid":"test"}""")}.{Encode(JsonSerializer.Serialize(claims))}.c2lnbmF0dXJl";

    /// <summary>A JWT whose payload is exactly the JSON given, to build tokens of other shapes than the engine's.</summary>
    public static string WithPayload(string json) => $"{Encode("""{"alg":"ES256","kid":"test"}""")}.{Encode(json)}.c2lnbmF0dXJl";

    private static string Encode(string json)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
