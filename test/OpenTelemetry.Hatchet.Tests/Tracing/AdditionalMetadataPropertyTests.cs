using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Properties of the <c>traceparent</c> written into <c>additional_metadata</c> that hold for any text: the metadata
/// comes from a caller's request and is sent on to the engine, so no text may break it or the call (CsCheck; a failure
/// prints the shrunk input and the seed that replays it). System.Text.Json's <see cref="JsonDocument"/> is the oracle
/// for what a JSON object is and what members it has.
/// </summary>
public sealed class AdditionalMetadataPropertyTests
{
    private static readonly Gen<string> Space = Gen.OneOf(string.Empty, string.Empty, " ", "\n", "\t ", "\r\n  ");

    // Names a run's metadata may have, the traceparent among them in its plain and escaped spellings.
    private static readonly Gen<string> Name = Gen.Frequency(
        (4, Gen.OneOf("a", "b", "key", "traceparent", "trace\\u0070arent", "Traceparent", "traceparent ", "tracestate", "é", "\\\"q", "{", "}", ",", string.Empty)),
        (1, Gen.String[0, 8].Select(Encoded)));

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (3, Gen.OneOf("0", "-1", "12.5e-3", "true", "false", "null", "\"\"", "\"x\"", "\"{\"", "\"}\"", "\"\\\"\"", "\"\\u00e9\\n\"", "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"")),
        (1, Gen.String[0, 12].Select(text => $"\"{Encoded(text)}\"")),
        (1, Gen.Long.Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static readonly Gen<string> AnyObject = ObjectOf(3);

    private static readonly Gen<string> TraceParent = Gen.Select(
        Gen.Byte.Array[16].Where(trace => trace.Any(b => b != 0)),
        Gen.Byte.Array[8].Where(span => span.Any(b => b != 0)),
        Gen.Bool,
        (trace, span, sampled) => $"00-{Convert.ToHexStringLower(trace)}-{Convert.ToHexStringLower(span)}-{(sampled ? "01" : "00")}");

    // Texts that are not one JSON object: other JSON values, broken objects, objects with more after them, and noise.
    private static readonly Gen<string> NotAnObject = Gen.Frequency(
        (3, ValueOf(3).Where(text => !text.TrimStart().StartsWith('{'))),
        (2, Gen.Select(AnyObject, Gen.Int[0, 1000], (text, cut) => text[..(cut % Math.Max(1, text.Length - 1))])),
        (2, Gen.Select(AnyObject, Gen.OneOf(" x", "{}", "[]", ",", "}", " 1", "//", "\u0000"), (text, after) => text + after)),
        (1, Gen.String[0, 20]));

    [Fact]
    public void Any_object_keeps_its_members_and_gains_the_traceparent()
    {
        Gen.Select(AnyObject, TraceParent).Sample((metadata, traceParent) =>
        {
            var written = AdditionalMetadata.WithTraceParent(Encoding.UTF8.GetBytes(metadata), traceParent);

            written.Should().NotBeNull("{0} is a JSON object", metadata);
            using var result = JsonDocument.Parse(written);
            using var original = JsonDocument.Parse(metadata);
            result.RootElement.ValueKind.Should().Be(JsonValueKind.Object);
            Others(result).Should().Equal(Others(original), "every member but the traceparent is kept as it was, in order");
            result.RootElement.EnumerateObject().Where(IsTraceParent).Should().ContainSingle()
                .Which.Value.GetString().Should().Be(traceParent);
        }, iter: 20_000);
    }

    [Fact]
    public void Any_object_read_back_names_the_traceparent_written_into_it()
    {
        Gen.Select(AnyObject, TraceParent).Sample((metadata, traceParent) =>
        {
            var written = AdditionalMetadata.WithTraceParent(metadata, traceParent);

            AdditionalMetadata.TraceParent(written).Should().Be(Remote(traceParent));
        }, iter: 20_000);
    }

    [Fact]
    public void Any_text_that_is_not_one_object_is_left_alone()
    {
        Gen.Select(NotAnObject, TraceParent).Sample((metadata, traceParent) =>
        {
            if (IsObject(metadata) || string.IsNullOrWhiteSpace(metadata))
            {
                return;
            }

            AdditionalMetadata.WithTraceParent(metadata, traceParent).Should().BeNull("{0} is not one JSON object", metadata);
        }, iter: 20_000);
    }

    [Fact]
    public void Any_bytes_are_left_alone_or_become_an_object_with_the_traceparent()
    {
        Gen.Select(Gen.Byte.Array[0, 40], TraceParent).Sample((metadata, traceParent) =>
        {
            var written = AdditionalMetadata.WithTraceParent(metadata, traceParent);

            (written is not null).Should().Be(IsObject(metadata) || metadata.AsSpan().Trim(" \t\r\n"u8).IsEmpty, "only an object or nothing gets a traceparent");
            if (written is null)
            {
                return;
            }

            using var result = JsonDocument.Parse(written);
            result.RootElement.GetProperty("traceparent").GetString().Should().Be(traceParent);
        }, iter: 20_000);
    }

    [Fact]
    public void Any_object_gains_each_member_once_with_its_value_and_keeps_its_others_in_order()
    {
        // The members an event pushed from inside a run gets (_inject_source_info, clients/events.py lines 50-65), with
        // values as a run's ids may come from the engine: any text.
        string[] names = ["traceparent", "hatchet__source_workflow_run_id", "hatchet__source_step_run_id"];
        var sourceName = Gen.Frequency((3, Name), (2, Gen.OneOf("hatchet__source_workflow_run_id", "hatchet__source_step_run_id", "hatchet__source_step_run_i\\u0064")));
        var objects = Gen.Select(Gen.Select(sourceName, Space, ValueOf(1), (name, space, value) => $"{space}\"{name}\":{space}{value}").Array[0, 6], Space, (members, space) => $"{space}{{{string.Join(",", members)}}}{space}");
        Gen.Select(objects, TraceParent, Gen.String[0, 12], Gen.String[0, 12]).Sample((metadata, traceParent, workflowRun, stepRun) =>
        {
            KeyValuePair<string, string>[] members = [new(names[0], traceParent), new(names[1], workflowRun), new(names[2], stepRun)];

            var written = AdditionalMetadata.WithMembers(Encoding.UTF8.GetBytes(metadata), members);

            written.Should().NotBeNull("{0} is a JSON object", metadata);
            using var result = JsonDocument.Parse(written);
            using var original = JsonDocument.Parse(metadata);
            foreach (var (name, value) in members)
            {
                // As UTF-8 carries it: a lone surrogate is U+FFFD.
                result.RootElement.EnumerateObject().Where(member => member.Name == name).Should().ContainSingle()
                    .Which.Value.GetString().Should().Be(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)));
            }

            string[] Kept(JsonDocument document) => [.. document.RootElement.EnumerateObject().Where(member => !names.Contains(member.Name)).Select(member => $"{member.Name}={member.Value.GetRawText()}")];
            Kept(result).Should().Equal(Kept(original));
        }, iter: 20_000);
    }

    private static Gen<string> ValueOf(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency((4, Scalar), (1, ObjectOf(depth - 1)), (1, ArrayOf(depth - 1)));

    private static Gen<string> ObjectOf(int depth)
        => Gen.Select(
            Gen.Select(Name, Space, Space, ValueOf(depth), (name, before, after, value) => $"{before}\"{name}\"{after}:{after}{value}{before}").Array[0, 5],
            Space,
            (members, space) => $"{space}{{{space}{string.Join(",", members)}}}{space}");

    private static Gen<string> ArrayOf(int depth)
        => Gen.Select(Space, ValueOf(depth), (space, value) => space + value).Array[0, 4].Select(items => $"[{string.Join(",", items)}]");

    private static string Encoded(string text) => JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();

    private static bool IsTraceParent(JsonProperty member) => member.Name == "traceparent";

    private static string[] Others(JsonDocument document)
        => [.. document.RootElement.EnumerateObject().Where(member => !IsTraceParent(member)).Select(member => $"{member.Name}={member.Value.GetRawText()}")];

    private static bool IsObject(string text) => IsObject(Encoding.UTF8.GetBytes(text));

    private static bool IsObject(byte[] text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // A parent read from a run's metadata came from another process: remote, as OpenTelemetry's propagators make it.
    private static ActivityContext Remote(string traceParent)
        => ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent) ? parent : throw new ArgumentException(traceParent);
}
