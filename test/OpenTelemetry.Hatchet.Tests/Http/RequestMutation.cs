using CsCheck;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>One change RFC 9110 or 9112 forbids, made to a valid request.</summary>
internal sealed record RequestMutation(string Kind, int Where, char With)
{
    // Not a tchar; ":" is left out because in a field name it only moves the colon.
    private const string NotToken = "\"(),/;<=>?@[\\]{} \t\u0000\u0001\u001f\u007f\u0080\u00e9\u00ff";

    // Neither a pchar nor "/", "?", "%", "[" or "]"; a space only moves where the target ends, which is tested apart.
    private const string NotInTarget = "\"<>\\^`{|}#\t\u0000\u0001\r\u001f\u007f\u0080\u00e9\u00ff";

    // Control characters but the tab, which a field value may hold.
    private const string Control = "\u0000\u0001\u0002\u0007\u0008\n\u000b\u000c\r\u000e\u001b\u001f\u007f";

    public static readonly Gen<RequestMutation> Any = Gen.Select(
        Gen.OneOf("method", "target", "field name", "field value", "no host", "second host", "other content length", "bare line feed", "space before colon", "folded line", "version", "whitespace before first field"),
        Gen.Int[0, 1000],
        Gen.Char[NotToken + NotInTarget + Control],
        (kind, where, with) => new RequestMutation(kind, where, with));

    /// <returns>The changed request, or null when this change does not apply to <paramref name="request"/>.</returns>
    public string? Apply(ValidRequest request)
    {
        var fields = request.Fields.ToList();
        var field = fields.Count == 0 ? -1 : this.Where % fields.Count;
        switch (this.Kind)
        {
            case "method":
                return ValidRequest.Lines($"{Replace(request.Method, NotToken)} {request.Target} HTTP/1.{request.Minor}", fields);
            case "target":
                return ValidRequest.Lines($"{request.Method} {Replace(request.Target, NotInTarget, from: 1)} HTTP/1.{request.Minor}", fields);
            case "field name" when field >= 0:
                fields[field] = (Replace(fields[field].Name, NotToken), fields[field].Value);
                return ValidRequest.Lines(request.RequestLine, fields);
            case "field value" when field >= 0:
                var value = fields[field].Value;
                fields[field] = (fields[field].Name, value.Insert(this.Where % (value.Length + 1), Pick(Control).ToString()));
                return ValidRequest.Lines(request.RequestLine, fields);
            case "no host" when request.Minor > 0:
                return ValidRequest.Lines(request.RequestLine, fields.Where(f => !f.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)));
            case "second host":
                fields.Insert(this.Where % (fields.Count + 1), ("host", " second"));
                fields.Insert(this.Where % (fields.Count + 1), ("Host", " first"));
                return ValidRequest.Lines(request.RequestLine, fields);
            case "other content length":
                fields.Insert(this.Where % (fields.Count + 1), ("Content-Length", " 1"));
                fields.Insert(this.Where % (fields.Count + 1), ("Content-Length", " 2"));
                return ValidRequest.Lines(request.RequestLine, fields);
            case "bare line feed":
                var text = request.Text;
                var lineEnds = Enumerable.Range(0, text.Length - 1).Where(i => text[i] == '\r').ToList();
                return text.Remove(lineEnds[this.Where % lineEnds.Count], 1);
            case "space before colon" when field >= 0:
                fields[field] = (fields[field].Name + (this.Where % 2 == 0 ? " " : "\t"), fields[field].Value);
                return ValidRequest.Lines(request.RequestLine, fields);
            case "folded line" when field >= 0:
                fields[field] = ((this.Where % 2 == 0 ? " " : "\t") + fields[field].Name, fields[field].Value);
                return ValidRequest.Lines(request.RequestLine, fields);
            case "version":
                var version = $"HTTP/1.{request.Minor}";
                var broken = (this.Where % 4) switch
                {
                    0 => version.ToLowerInvariant(),
                    1 => version + Pick(NotToken),
                    2 => version[..^1],
                    _ => "HTTP/" + Pick(NotToken) + ".1",
                };
                return ValidRequest.Lines($"{request.Method} {request.Target} {broken}", fields);
            case "whitespace before first field":
                return ValidRequest.Lines(request.RequestLine, [(" X", " y"), .. fields]);
            default:
                return null;
        }
    }

    public override string ToString() => $"{this.Kind} at {this.Where} with U+{(int)this.With:X4}";

    private string Replace(string text, string forbidden, int from = 0)
    {
        if (text.Length <= from)
        {
            return text + Pick(forbidden);
        }

        var at = from + (this.Where % (text.Length - from));
        return text[..at] + Pick(forbidden) + text[(at + 1)..];
    }

    // The generated character if it is one of these, else one chosen by it.
    private char Pick(string characters) => characters.Contains(this.With, StringComparison.Ordinal) ? this.With : characters[this.With % characters.Length];
}
