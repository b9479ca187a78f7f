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
