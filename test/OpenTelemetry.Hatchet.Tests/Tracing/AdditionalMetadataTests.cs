using System.Diagnostics;
using System.Text;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// The <c>traceparent</c> written into and read from a run's <c>additional_metadata</c>, called directly: as the
/// Python SDK's <c>_inject_traceparent_into_metadata</c> (<c>{**metadata, "traceparent": tp}</c>, instrumentor.py
/// lines 255-264) and <c>_parse_carrier_from_metadata</c> (lines 209-217) do, with every other byte kept.
/// </summary>
public sealed class AdditionalMetadataTests
{
    private const string Parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private const string Other = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \r\n\t")]
    public void Absent_or_blank_metadata_becomes_an_object_with_the_traceparent_alone(string? metadata)
    {
        AdditionalMetadata.WithTraceParent(metadata, Parent).Should().Be($$"""{"traceparent":"{{Parent}}"}""");
    }

    [Fact]
    public void A_new_traceparent_goes_first_and_every_other_byte_is_kept()
    {
        AdditionalMetadata.WithTraceParent("""{ "a" : 1,"b":[ {"c":null} ] }""", Parent)
            .Should().Be($$"""{"traceparent":"{{Parent}}", "a" : 1,"b":[ {"c":null} ] }""");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{ \n }")]
    public void An_empty_object_gets_the_traceparent_without_a_comma(string metadata)
    {
        var written = AdditionalMetadata.WithTraceParent(metadata, Parent);

        written.Should().Be(metadata.Insert(1, $"\"traceparent\":\"{Parent}\""));
    }

    [Fact]
    public void An_existing_traceparent_is_replaced_where_it_stands()
    {
        AdditionalMetadata.WithTraceParent($$"""{"a":1, "traceparent" : "{{Other}}" ,"b":2}""", Parent)
            .Should().Be($$"""{"a":1, "traceparent":"{{Parent}}" ,"b":2}""");
    }

    [Theory]
    [InlineData("""{"traceparent":{"x":[1,2]},"a":1}""", """{"traceparent":"TP","a":1}""")]
    [InlineData("""{"a":1,"traceparent":[]}""", """{"a":1,"traceparent":"TP"}""")]
    [InlineData("""{"traceparent":12.5e1}""", """{"traceparent":"TP"}""")]
    [InlineData("""{"traceparent":null}""", """{"traceparent":"TP"}""")]
    public void A_traceparent_that_is_not_a_string_is_replaced_whole(string metadata, string expected)
    {
        AdditionalMetadata.WithTraceParent(metadata, Parent).Should().Be(expected.Replace("TP", Parent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_traceparent_whose_name_is_escaped_is_the_same_member_and_is_replaced()
    {
        AdditionalMetadata.WithTraceParent($$"""{"trace\u0070arent":"{{Other}}"}""", Parent)
            .Should().Be($$"""{"traceparent":"{{Parent}}"}""");
    }

    [Fact]
    public void Repeated_traceparents_leave_one_the_new_one()
    {
        // Python's json.loads keeps the last of repeated names and {**metadata, ...} writes it once: no reader of
        // the result, whichever of repeated names it keeps, may follow the old parent.
        var written = AdditionalMetadata.WithTraceParent($$"""{"traceparent":"{{Other}}", "a":1,"traceparent":"x","b":{"traceparent":2},"traceparent":"y"}""", Parent);

        written.Should().Be($$"""{"a":1,"b":{"traceparent":2},"traceparent":"{{Parent}}"}""");
    }

    [Fact]
    public void A_traceparent_inside_a_nested_object_is_not_the_runs()
    {
        AdditionalMetadata.WithTraceParent($$$"""{"inner":{"traceparent":"{{{Other}}}"}}""", Parent)
            .Should().Be($$$"""{"traceparent":"{{{Parent}}}","inner":{"traceparent":"{{{Other}}}"}}""");
    }

    [Fact]
    public void Braces_inside_strings_do_not_move_where_the_traceparent_goes()
    {
        AdditionalMetadata.WithTraceParent(""" {"}{":"{"} """, Parent).Should().Be($$""" {"traceparent":"{{Parent}}","}{":"{"} """);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"a":1}]""")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("""{"a":1""")]
    [InlineData("""{"a":}""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("{} trailing")]
    [InlineData("{}{}")]
    [InlineData("{} []")]
    [InlineData("""{"a":1} // comment""")]
    [InlineData("{'a':1}")]
    public void Metadata_that_is_not_one_json_object_is_left_alone(string metadata)
    {
        AdditionalMetadata.WithTraceParent(metadata, Parent).Should().BeNull();
        AdditionalMetadata.WithTraceParent(Encoding.UTF8.GetBytes(metadata), Parent).Should().BeNull();
    }

    [Fact]
    public void Metadata_nested_deeper_than_the_reader_allows_is_left_alone()
    {
        var deep = "{\"a\":" + new string('[', 64) + new string(']', 64) + "}";

        AdditionalMetadata.WithTraceParent(deep, Parent).Should().BeNull();
    }

    [Fact]
    public void The_byte_form_keeps_bytes_that_are_not_ascii()
    {
        var metadata = Encoding.UTF8.GetBytes("""{"é":"日本\u00e9"}""");

        var written = AdditionalMetadata.WithTraceParent(metadata, Parent);

        written.Should().Equal(Encoding.UTF8.GetBytes($$"""{"traceparent":"{{Parent}}","é":"日本\u00e9"}"""));
    }

    [Fact]
    public void The_traceparent_read_is_the_one_written()
    {
        AdditionalMetadata.TraceParent($$"""{"a":"b","traceparent":"{{Parent}}"}""").Should().Be(Remote(Parent));
    }

    [Fact]
    public void The_last_of_repeated_traceparents_is_read_as_python_reads_it()
    {
        AdditionalMetadata.TraceParent($$"""{"traceparent":"{{Other}}","traceparent":"{{Parent}}"}""").Should().Be(Remote(Parent));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{"traceparent":"not-a-traceparent"}""")]
    [InlineData("""{"traceparent":""}""")]
    [InlineData("""{"traceparent":1}""")]
    [InlineData("""{"traceparent":"00-00000000000000000000000000000000-b7ad6b7169203331-01"}""")]
    [InlineData("""{"inner":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}""")]
    [InlineData("""["traceparent","00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"]""")]
    public void Metadata_without_a_valid_traceparent_names_no_parent(string? metadata)
    {
        AdditionalMetadata.TraceParent(metadata).Should().BeNull();
    }

    // A parent read from a run's metadata came from another process: remote, as OpenTelemetry's propagators make it.
    private static ActivityContext Remote(string traceParent)
        => ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent) ? parent : throw new ArgumentException(traceParent);
}
