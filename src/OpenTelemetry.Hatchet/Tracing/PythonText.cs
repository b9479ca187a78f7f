using System.Globalization;
using System.Text;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Writes values as the Python SDK's instrumentor writes them into attributes, so that a query over its spans finds
/// the .NET ones too: <c>json.dumps</c> (ASCII only, <c>", "</c> between items), <c>repr</c> of a set of strings (what
/// <c>json.dumps(a_set, default=str)</c> falls back to), and <c>datetime.isoformat()</c>.
/// </summary>
internal static class PythonText
{
    private const long MinUnixSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z, the first instant a datetime holds
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    /// <summary><c>json.dumps(text)</c>: quoted, with everything outside printable ASCII escaped.</summary>
    public static string JsonString(string text)
    {
        var json = new StringBuilder(text.Length + 2);
        AppendJsonString(json, text);
        return json.ToString();
    }

    /// <summary><c>json.dumps(texts)</c> of a list of strings.</summary>
    public static string JsonList(IEnumerable<string> texts)
    {
        var json = new StringBuilder("[");
        foreach (var text in texts)
        {
            if (json.Length > 1)
            {
                json.Append(", ");
            }

            AppendJsonString(json, text);
        }

        return json.Append(']').ToString();
    }

    /// <summary>
    /// <c>str()</c> of a Python set of strings: <c>{'a', 'b'}</c>, or <c>set()</c> when empty. A set's order is Python's
    /// own hashing; here it is the order first seen.
    /// </summary>
    public static string SetRepr(IReadOnlyCollection<string> texts)
    {
        if (texts.Count == 0)
        {
            return "set()";
        }

        var repr = new StringBuilder("{");
        foreach (var text in texts)
        {
            if (repr.Length > 1)
            {
                repr.Append(", ");
            }

            AppendRepr(repr, text);
        }

        return repr.Append('}').ToString();
    }

    /// <summary>
    /// <c>datetime.isoformat()</c> of a UTC instant given as a protobuf <c>Timestamp</c> (seconds and nanoseconds since
    /// the Unix epoch): microseconds only when there are any, as Python writes them; <see langword="null"/> for an
    /// instant no <c>datetime</c> holds.
    /// </summary>
    public static string? IsoFormat(long seconds, int nanos)
    {
        if (seconds is < MinUnixSeconds or > MaxUnixSeconds || nanos is < 0 or > 999_999_999)
        {
            return null;
        }

        var instant = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 1000 * TimeSpan.TicksPerMicrosecond);
        var format = instant.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.ffffff";
        return instant.ToString(format, CultureInfo.InvariantCulture) + "+00:00";
    }

    // Python's json encoder with ensure_ascii: escapes \ and ", the short forms of \b \f \n \r \t, and everything else
    // outside space to tilde as \uXXXX (lower-case hex), UTF-16 code unit by code unit, as Python writes them.
    private static void AppendJsonString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': json.Append(@"\\"); break;
                case '"': json.Append("\\\""); break;
                case '\b': json.Append(@"\b"); break;
                case '\f': json.Append(@"\f"); break;
                case '\n': json.Append(@"\n"); break;
                case '\r': json.Append(@"\r"); break;
                case '\t': json.Append(@"\t"); break;
                case >= ' ' and <= '~': json.Append(c); break;
                default: json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
            }
        }

        json.Append('"');
    }

    // Python's repr of a str: single quotes unless the text has a single quote and no double one; the quote used and
    // backslash escaped; \t \n \r; other ASCII controls and DEL as \xNN; other characters kept when printable, else
    // \xNN, \uNNNN or \UNNNNNNNN.
    private static void AppendRepr(StringBuilder repr, string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        repr.Append(quote);
        for (var index = 0; index < text.Length; index++)
        {
            var c = text[index];
            if (c == quote || c == '\\')
            {
                repr.Append('\\').Append(c);
            }
            else if (c is '\t' or '\n' or '\r')
            {
                repr.Append(c switch { '\t' => @"\t", '\n' => @"\n", _ => @"\r" });
            }
            else if (c is < ' ' or '\x7f')
            {
                repr.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else if (c < '\x7f')
            {
                repr.Append(c);
            }
            else
            {
                var pair = char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]);
                var codePoint = pair ? char.ConvertToUtf32(c, text[++index]) : c;
                if (IsPrintable(codePoint))
                {
                    repr.Append(char.ConvertFromUtf32(codePoint));
                }
                else
                {
                    var (escape, digits) = codePoint switch
                    {
                        <= 0xff => ("\\x", "x2"),
                        <= 0xffff => ("\\u", "x4"),
                        _ => ("\\U", "x8"),
                    };
                    repr.Append(escape).Append(codePoint.ToString(digits, CultureInfo.InvariantCulture));
                }
            }
        }

        repr.Append(quote);
    }

    // str.isprintable: not a control, format, surrogate (a lone one: a pair is one code point by now), private-use or
    // unassigned character, nor a separator.
    private static bool IsPrintable(int codePoint)
        => CharUnicodeInfo.GetUnicodeCategory(codePoint) is not (
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator);
}
