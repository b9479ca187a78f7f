using System.Text;

namespace OpenTelemetry.Hatchet.Tests.Http;

/// <summary>A response read back strictly, the way a client must read it (RFC 9112 §4 to §6).</summary>
internal sealed record ResponseText(string Version, int Status, string Reason, IReadOnlyList<(string Name, string Value)> Fields, byte[] Body)
{
    public string? Field(string name) => this.Fields.SingleOrDefault(field => field.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Reads a response, failing the test on anything a strict client would not accept.</summary>
    public static ResponseText Read(ReadOnlySpan<byte> bytes, bool toHead = false)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        headEnd.Should().BePositive("a head ends with an empty line");
        var lines = text[..headEnd].Split("\r\n");
        lines.Should().NotContain(line => line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal), "lines end in CRLF only");

        var statusLine = lines[0].Split(' ', 3);
        statusLine.Should().HaveCount(3);
        statusLine[0].Should().MatchRegex(@"^HTTP/1\.[01]$");
        statusLine[1].Should().MatchRegex(@"^[1-5][0-9][0-9]$");
        statusLine[2].Should().MatchRegex(@"^[\t \x21-\x7e]*$");

        var fields = new List<(string, string)>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            colon.Should().BePositive("a field line has a name and a colon");
            line[..colon].Should().MatchRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$", "a field name is a token");
            line[(colon + 1)..].Should().MatchRegex(@"^[ \t]*([\x21-\x7e\x80-\xff]([ \t\x21-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?[ \t]*$", "a field value holds no control characters");
            fields.Add((line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }

        var response = new ResponseText(statusLine[0], int.Parse(statusLine[1], System.Globalization.CultureInfo.InvariantCulture), statusLine[2], fields, []);
        var length = response.Field("Content-Length");
        length.Should().MatchRegex("^[0-9]+$", "every answer is framed by its Content-Length");
        var body = bytes[(headEnd + 4)..].ToArray();
        body.Should().HaveCount(toHead ? 0 : int.Parse(length!, System.Globalization.CultureInfo.InvariantCulture), "the body is exactly as long as the head says");
        return response with { Body = body };
    }
}
