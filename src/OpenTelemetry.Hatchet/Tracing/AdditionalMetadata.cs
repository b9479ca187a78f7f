using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Reads and writes the W3C <c>traceparent</c> that a run's <c>additional_metadata</c> (a JSON object, as text)
/// carries, as the Python SDK's instrumentor does (<c>_parse_carrier_from_metadata</c> and
/// <c>_inject_traceparent_into_metadata</c> in <c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c>), and the
/// other members Python writes beside it (an event's source run, <c>_inject_source_info</c> in <c>clients/events.py</c>).
/// </summary>
/// <remarks>
/// Metadata that is not a JSON object is read as carrying nothing and is never changed: a run or a call is never
/// refused or broken because of it. An object is changed only at the members written; every other byte is kept as it
/// was sent.
/// </remarks>
internal static class AdditionalMetadata
{
    public const string TraceParentKey = "traceparent";

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>The parent the metadata's <c>traceparent</c> names, or null when it has none that is valid.</summary>
    public static ActivityContext? TraceParent(string? metadata)
    {
        if (string.IsNullOrEmpty(metadata) || Find(Encoding.UTF8.GetBytes(metadata), [new(TraceParentKey, string.Empty)]) is not { Count: > 0 } found
            || found[^1].Value is not { } value || !ActivityContext.TryParse(value, null, isRemote: true, out var parent))
        {
            return null;
        }

        return parent;
    }

    /// <summary>
    /// The metadata with <paramref name="traceParent"/> as its <c>traceparent</c>, replacing one it had, as the
    /// Python SDK does (<c>{**metadata, "traceparent": traceparent}</c>); null when the metadata is not a JSON object,
    /// which is then sent unchanged. Empty or absent metadata becomes an object with the <c>traceparent</c> alone.
    /// </summary>
    public static byte[]? WithTraceParent(ReadOnlySpan<byte> metadata, string traceParent) => WithMembers(metadata, [new(TraceParentKey, traceParent)]);

    /// <summary>The metadata as text with the <c>traceparent</c>; see <see cref="WithTraceParent(ReadOnlySpan{byte}, string)"/>.</summary>
    public static string? WithTraceParent(string? metadata, string traceParent) => WithMembers(metadata, [new(TraceParentKey, traceParent)]);

    /// <summary>The metadata as text with the members; see <see cref="WithMembers(ReadOnlySpan{byte}, IReadOnlyList{KeyValuePair{string, string}})"/>.</summary>
    public static string? WithMembers(string? metadata, IReadOnlyList<KeyValuePair<string, string>> members)
        => WithMembers(Encoding.UTF8.GetBytes(metadata ?? string.Empty), members) is { } changed ? Encoding.UTF8.GetString(changed) : null;

    /// <summary>
    /// The metadata with each of <paramref name="members"/> (of distinct names), replacing a member of the same name
    /// it had, as Python's <c>{**metadata, name: value, ...}</c> does; null when the metadata is not a JSON object,
    /// which is then sent unchanged. Empty or absent metadata becomes an object of those members alone.
    /// </summary>
    public static byte[]? WithMembers(ReadOnlySpan<byte> metadata, IReadOnlyList<KeyValuePair<string, string>> members)
    {
        var written = new List<byte>(metadata.Length + (64 * members.Count));
        if (IsBlank(metadata))
        {
            written.Add((byte)'{');
            AppendMembers(written, members, except: null);
            written.Add((byte)'}');
            return [.. written];
        }

        if (Find(metadata, members) is not { } found)
        {
            return null;
        }

        // A member the metadata has gives way to the new one, where it was. Earlier members of the same name go, each
        // with what separates it from the next member: Python's dict writes the name once, and a reader that keeps the
        // first of repeated names would otherwise read the old value.
        var edits = new List<(int Start, int End, int Member)>(found.Count);
        var present = new bool[members.Count];
        for (var index = 0; index < found.Count; index++)
        {
            var member = found[index];
            var last = found.FindLastIndex(other => other.Key == member.Key) == index;
            edits.Add(last ? (member.Start, member.End, member.Key) : (member.Start, member.Next, -1));
            present[member.Key] = true;
        }

        // New members go first, so that nothing after the opening brace needs to be understood.
        var open = metadata.IndexOf((byte)'{') + 1;
        written.AddRange(metadata[..open]);
        if (present.Contains(false))
        {
            AppendMembers(written, members, except: present);
            if (!IsBlank(metadata[open..metadata.LastIndexOf((byte)'}')]))
            {
                written.Add((byte)',');
            }
        }

        var kept = open;
        foreach (var (start, end, member) in edits)
        {
            written.AddRange(metadata[kept..start]);
            if (member >= 0)
            {
                AppendMember(written, members[member]);
            }

            kept = end;
        }

        written.AddRange(metadata[kept..]);
        return [.. written];
    }

    private static void AppendMembers(List<byte> written, IReadOnlyList<KeyValuePair<string, string>> members, bool[]? except)
    {
        var first = true;
        for (var index = 0; index < members.Count; index++)
        {
            if (except is not null && except[index])
            {
                continue;
            }

            if (!first)
            {
                written.Add((byte)',');
            }

            AppendMember(written, members[index]);
            first = false;
        }
    }

    // "name":"value", escaped as JSON requires: a value may come from the engine (a run's ids). Text is made UTF-8
    // first, a lone surrogate becoming U+FFFD, as JsonEncodedText refuses one.
    private static void AppendMember(List<byte> written, KeyValuePair<string, string> member)
    {
        written.Add((byte)'"');
        written.AddRange(JsonEncodedText.Encode(Encoding.UTF8.GetBytes(member.Key)).EncodedUtf8Bytes);
        written.AddRange("\":\""u8);
        written.AddRange(JsonEncodedText.Encode(Encoding.UTF8.GetBytes(member.Value)).EncodedUtf8Bytes);
        written.Add((byte)'"');
    }

    // Where the reader's current token ends in the text: after a string's closing quote, a nested value's closing
    // bracket (Skip leaves the reader on it), or a literal's last byte.
    private static int TokenEnd(in Utf8JsonReader reader) => (int)reader.TokenStartIndex + reader.TokenType switch
    {
        JsonTokenType.String => reader.ValueSpan.Length + 2,
        JsonTokenType.EndObject or JsonTokenType.EndArray => 1,
        _ => reader.ValueSpan.Length,
    };

    private static bool IsBlank(ReadOnlySpan<byte> text) => text.Trim(" \t\r\n"u8).IsEmpty;

    // The top-level members named as one of the members, in order, when the text is one JSON object; null when it is
    // not. Each has the index of the member it is named as, where it starts and ends, where the member after it starts
    // (-1 for none), and its value when that is a string (a JSON parser keeps the last of repeated names, as Python's
    // json.loads does).
    private static List<Found>? Find(ReadOnlySpan<byte> json, IReadOnlyList<KeyValuePair<string, string>> members)
    {
        var found = new List<Found>(members.Count);
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            // Whether the last member read is one of those named, whose Next is the start of the one read now.
            var pending = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                if (pending)
                {
                    found[^1] = found[^1] with { Next = start };
                    pending = false;
                }

                var key = -1;
                for (var index = 0; index < members.Count && key < 0; index++)
                {
                    key = reader.ValueTextEquals(members[index].Key) ? index : -1;
                }

                reader.Read();
                var value = key >= 0 && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
                if (key >= 0)
                {
                    found.Add(new Found(key, start, TokenEnd(reader), -1, value));
                    pending = true;
                }
            }

            // The object must end where the text ends: "{} trailing" is not JSON.
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read() ? found : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private readonly record struct Found(int Key, int Start, int End, int Next, string? Value);
}
