using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Values written as the Python SDK's instrumentor writes them into attributes; each expected value is what CPython
/// (3.11.7) prints for the same input (json.dumps, str of a set, json.dumps(a_set, default=str), isoformat).
/// </summary>
public sealed class PythonTextTests
{
    [Theory]
    [InlineData("", "\"\"")] // json.dumps("")
    [InlineData("orders", "\"orders\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("\b\f\n\r\t\u0001\u007f", "\"\\b\\f\\n\\r\\t\\u0001\\u007f\"")]
    [InlineData("é日", "\"\\u00e9\\u65e5\"")]
    [InlineData(" ~\u001f", "\" ~\\u001f\"")] // the ends of what is kept, and the control just below
    [InlineData("😀", "\"\\ud83d\\ude00\"")]
    public void Json_string_is_pythons_json_dumps_with_ascii_only(string text, string expected)
    {
        PythonText.JsonString(text).Should().Be(expected);
    }

    [Fact]
    public void Json_list_separates_items_with_a_comma_and_a_space()
    {
        PythonText.JsonList(["a", "b\"c"]).Should().Be("""["a", "b\"c"]""");
        PythonText.JsonList([]).Should().Be("[]");
    }

    [Theory]
    [InlineData(new string[0], "set()")] // str(set())
    [InlineData(new[] { "orders" }, "{'orders'}")]
    [InlineData(new[] { "a", "b" }, "{'a', 'b'}")]
    [InlineData(new[] { "it's" }, "{\"it's\"}")] // a single quote and no double one: double quotes
    [InlineData(new[] { "it's \"x\"" }, "{'it\\'s \"x\"'}")]
    [InlineData(new[] { "back\\slash" }, "{'back\\\\slash'}")]
    [InlineData(new[] { "\t\n\r\u0000\u007f" }, "{'\\t\\n\\r\\x00\\x7f'}")]
    [InlineData(new[] { "é日😀" }, "{'é日😀'}")] // printable: kept
    [InlineData(new[] { "\u00a0\u200b\u2028\ue000" }, "{'\\xa0\\u200b\\u2028\\ue000'}")] // separators, format, private use
    [InlineData(new[] { "\U000e0001" }, "{'\\U000e0001'}")]
    public void Set_repr_is_pythons_str_of_a_set_of_strings(string[] texts, string expected)
    {
        PythonText.SetRepr(texts).Should().Be(expected);
    }

    // Lone surrogates cannot travel in attribute data, so these are written here; each expected value is what
    // Python 3 prints for str({text}).
    [Fact]
    public void Set_repr_escapes_lone_surrogates_and_unprintable_characters_at_the_edges_of_each_escape_width()
    {
        var cases = new (string Text, string Expected)[]
        {
            ("\u0080", @"{'\x80'}"),
            ("\uffff", @"{'\uffff'}"), // the widest \u
            ("\U0010ffff", @"{'\U0010ffff'}"),
            ("\U00010000", "{'\U00010000'}"), // a pair, and printable: kept
            ("\ud7ff", @"{'\ud7ff'}"),
            ("\ud800", @"{'\ud800'}"), // a high surrogate at the end
            ("a\ud800", @"{'a\ud800'}"),
            ("\ud800x", @"{'\ud800x'}"), // a high surrogate before what is not a low one
            ("\udfff", @"{'\udfff'}"), // a low surrogate alone
        };

        foreach (var (text, expected) in cases)
        {
            PythonText.SetRepr([text]).Should().Be(expected, "Python prints that for the set of {0}", string.Join(' ', text.Select(c => ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    [Theory]
    [InlineData(0, 0, "1970-01-01T00:00:00+00:00")]
    [InlineData(1_735_787_045, 0, "2025-01-02T03:04:05+00:00")]
    [InlineData(1_735_787_045, 123_456_789, "2025-01-02T03:04:05.123456+00:00")] // microseconds, truncated
    [InlineData(1_735_787_045, 999, "2025-01-02T03:04:05+00:00")] // less than a microsecond: none
    [InlineData(1_735_787_045, 1_000, "2025-01-02T03:04:05.000001+00:00")]
    [InlineData(-62_135_596_800, 0, "0001-01-01T00:00:00+00:00")]
    [InlineData(253_402_300_799, 999_999_999, "9999-12-31T23:59:59.999999+00:00")]
    public void Iso_format_is_pythons_isoformat_of_a_utc_datetime(long seconds, int nanos, string expected)
    {
        PythonText.IsoFormat(seconds, nanos).Should().Be(expected);
    }

    [Theory]
    [InlineData(-62_135_596_801, 0)]
    [InlineData(253_402_300_800, 0)]
    [InlineData(0, -1)]
    [InlineData(0, 1_000_000_000)]
    public void An_instant_no_python_datetime_holds_has_no_iso_format(long seconds, int nanos)
    {
        PythonText.IsoFormat(seconds, nanos).Should().BeNull();
    }
}
