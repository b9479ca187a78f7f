using System.Text;
using CsCheck;
using OpenTelemetry.Hatchet.Http;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>A request RFC 9112 allows, with what the parser must read from it.</summary>
internal sealed record ValidRequest(string Method, string Target, HealthcheckPath Path, int Minor, IReadOnlyList<(string Name, string Value)> Fields, bool KeepAlive, bool HasBody, string? Accept)
{
    public string RequestLine => $"{this.Method} {this.Target} HTTP/1.{this.Minor}";

    public string Text => Lines(this.RequestLine, this.Fields);

    public static string Lines(string requestLine, IEnumerable<(string Name, string Value)> fields)
        => new StringBuilder(requestLine).Append("\r\n").AppendJoin(string.Empty, fields.Select(field => $"{field.Name}:{field.Value}\r\n")).Append("\r\n").ToString();

    public override string ToString() => RequestText.Printable(this.Text);
}

/// <summary>Generators of what RFC 9110 and 9112 allow in a request head, from their grammar.</summary>
internal static class RequestGen
{
    public const string TokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    public const string PathChars = "!$&'()*+,;=:@-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string HexDigits = "0123456789ABCDEFabcdef";

    private static readonly string[] Special = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Accept"];

    public static readonly Gen<string> Token = Gen.Char[TokenChars].Array[1, 12].Select(chars => new string(chars));

    // pchar: a path character or a percent-encoded byte.
    private static readonly Gen<string> PathChar = Gen.Frequency(
        (9, Gen.Char[PathChars].Select(c => c.ToString())),
        (1, Gen.Select(Gen.Char[HexDigits], Gen.Char[HexDigits], (high, low) => $"%{high}{low}")));

    private static readonly Gen<string> Segment = PathChar.Array[0, 8].Select(string.Concat);

    private static readonly Gen<string> Query = Gen.Frequency(
        (1, Gen.Const(string.Empty)),
        (1, Gen.OneOf(PathChar, Gen.OneOf("/", "?")).Array[0, 12].Select(parts => "?" + string.Concat(parts))));

    private static readonly Gen<(string Path, HealthcheckPath Known)> OriginPath = Gen.Frequency(
        (1, Gen.OneOf(
            ("/health", HealthcheckPath.Health),
            ("/livez", HealthcheckPath.Livez),
            ("/readyz", HealthcheckPath.Readyz),
            ("/metrics", HealthcheckPath.Metrics),
            ("/metrics/", HealthcheckPath.Metrics))),
        (1, Segment.Array[1, 4].Select(segments => ("/" + string.Join('/', segments), HealthcheckPath.Unknown))));

    private static readonly Gen<string> HostName = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-."].Array[1, 12].Select(chars => new string(chars));

    private static readonly Gen<string> Authority = Gen.Select(
        Gen.Frequency((4, HostName), (1, Gen.OneOf("[::1]", "127.0.0.1", "[fe80::1]"))),
        Gen.Frequency((1, Gen.Const(string.Empty)), (2, Gen.Int[0, 65535].Select(port => $":{port}"))),
        (host, port) => host + port);

    private static readonly Gen<(string Target, HealthcheckPath Path)> Target = Gen.Frequency(
        (6, Gen.Select(OriginPath, Query, (path, query) => (path.Path + query, KnownOrUnknown(path, query)))),
        (2, Gen.Select(Gen.OneOf("http://", "https://", "HTTP://"), Authority, OriginPath, Query, (scheme, authority, path, query) => (scheme + authority + path.Path + query, KnownOrUnknown(path, query)))),
        (1, Gen.Const(("*", HealthcheckPath.Unknown))));

    // field-value: visible characters and obs-text, with spaces and tabs inside and around.
    private static readonly Gen<string> FieldValue = Gen.Frequency(
        (8, Gen.Char['\u0021', '\u007e']),
        (1, Gen.Char['\u0080', '\u00ff']),
        (1, Gen.Char[" \t"])).Array[0, 16].Select(chars => new string(chars));

    private static readonly Gen<string> OptionalWhitespace = Gen.OneOf(string.Empty, " ", "  ", "\t", " \t");

    private static readonly Gen<(string Name, string Value)> OtherField = Gen.Select(
        Token.Where(name => !Special.Contains(name, StringComparer.OrdinalIgnoreCase)),
        OptionalWhitespace,
        FieldValue,
        (name, space, value) => (name, space + value));

    private static readonly Gen<string> Method = Gen.Frequency(
        (3, Gen.Const("GET")),
        (2, Gen.Const("HEAD")),
        (2, Token));

    public static readonly Gen<ValidRequest> Valid =
        from method in Method
        from target in Target
        from minor in Gen.Frequency((4, Gen.Const(1)), (2, Gen.Const(0)), (1, Gen.Int[2, 9]))
        from host in Gen.Frequency((4, Authority.Select(value => (string?)value)), (1, Gen.Const((string?)null)))
        from connection in Gen.OneOf<(string? Value, bool Close, bool KeepAlive)>((null, false, false), ("close", true, false), ("Keep-Alive", false, true), ("Upgrade", false, false), ("keep-alive, close", true, true))
        from contentLength in Gen.Frequency((3, Gen.Const((string?)null)), (2, Gen.Int[0, 1000].Select(length => (string?)length.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, Gen.Const((string?)"000123456789012345678901234567890")))
        from contentLengthTwice in Gen.Bool
        from accept in Gen.Frequency((1, Gen.Const((string?)null)), (1, FieldValue.Select(value => (string?)value)))
        from space in OptionalWhitespace
        from others in OtherField.List[0, 5]
        from order in Gen.Int[0, 1000]
        select Build(method, target, minor, minor > 0 ? host ?? "worker" : host, connection, contentLength, contentLengthTwice, accept, space, others, order);

    // A generated segment may spell a probe path by chance: the path is what the target says, not what was meant.
    private static HealthcheckPath KnownOrUnknown((string Path, HealthcheckPath Known) path, string query)
        => path.Path switch
        {
            "/health" => HealthcheckPath.Health,
            "/livez" => HealthcheckPath.Livez,
            "/readyz" => HealthcheckPath.Readyz,
            "/metrics" or "/metrics/" => HealthcheckPath.Metrics,
            _ => HealthcheckPath.Unknown,
        };

    private static ValidRequest Build(
        string method,
        (string Target, HealthcheckPath Path) target,
        int minor,
        string? host,
        (string? Value, bool Close, bool KeepAlive) connection,
        string? contentLength,
        bool contentLengthTwice,
        string? accept,
        string space,
        List<(string Name, string Value)> others,
        int order)
    {
        var fields = new List<(string Name, string Value)>(others);
        if (host is not null)
        {
            fields.Add(("Host", space + host));
        }

        if (connection.Value is { } value)
        {
            fields.Add(("Connection", space + value + space));
        }

        if (contentLength is not null)
        {
            fields.Add(("Content-Length", space + contentLength));
            if (contentLengthTwice)
            {
                fields.Add(("content-length", contentLength + space));
            }
        }

        if (accept is not null)
        {
            fields.Add(("Accept", space + accept));
        }

        // The order of field lines carries no meaning: any rotation of them is as valid.
        var rotation = fields.Count == 0 ? 0 : order % fields.Count;
        fields = [.. fields.Skip(rotation), .. fields.Take(rotation)];
        var keepAlive = minor > 0 ? !connection.Close : connection.KeepAlive;
        var hasBody = contentLength is not null && contentLength.Trim('0').Length > 0;
        return new ValidRequest(method, target.Target, target.Path, minor, fields, keepAlive, hasBody, accept?.Trim(' ', '\t'));
    }
}
