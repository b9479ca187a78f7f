using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Reads and writes the W3C <c>traceparent</c> that a run's <c>additional_metadata</c> (a JSON object, as text)
/// carries, as the Python SDK's instrumentor does (<c>_parse_carrier_from_metadata</c> and
/// <c>_inject_traceparent_into_metadata</c> in <c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c>).
/// </summary>
/// <remarks>
/// Metadata that is not a JSON object is read as carrying nothing and is never changed: a run or a call is never
/// refused or broken because of it. An object is changed only at its <c>traceparent</c> member; every other byte is
/// kept as it was sent.
/// </remarks>
internal static class AdditionalMetadata
{
    public const string TraceParentKey = "traceparent";

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>The parent the metadata's <c>traceparent</c> names, or null when it has none that is valid.</summary>
    public static ActivityContext? TraceParent(string? metadata)
    {
        if (string.IsNullOrEmpty(metadata) || !TryFindTraceParent(Encoding.UTF8.GetBytes(metadata), out var value, out _, out _)
            || value is null || !ActivityContext.TryParse(value, null, isRemote: true, out var parent))
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
    public static byte[]? WithTraceParent(ReadOnlySpan<byte> metadata, string traceParent)
    {
        var member = Encoding.UTF8.GetBytes($"\"{TraceParentKey}\":\"{traceParent}\"");
        if (IsBlank(metadata))
        {
            return [(byte)'{', .. member, (byte)'}'];
        }

        if (!TryFindTraceParent(metadata, out _, out var found, out var earlier))
        {
            return null;
        }

        if (found is { } existing)
        {
            // The old member's bytes give way to the new one's. Earlier members of the same name go too, each with
            // what separates it from the next member: Python's {**metadata, ...} writes the name once, and a reader
            // that keeps the first of repeated names would otherwise follow the old parent.
            var written = new List<byte>(metadata.Length + member.Length);
            var kept = 0;
            foreach (var removed in earlier ?? [])
            {
                written.AddRange(metadata[kept..removed.Start]);
                kept = removed.End.Value;
            }

            written.AddRange(metadata[kept..existing.Start]);
            written.AddRange(member);
            written.AddRange(metadata[existing.End..]);
            return [.. written];
        }

        // A new member goes first, so that nothing after the opening brace needs to be understood.
        var open = metadata.IndexOf((byte)'{') + 1;
        var empty = IsBlank(metadata[open..metadata.LastIndexOf((byte)'}')]);
        return [.. metadata[..open], .. member, .. (empty ? ReadOnlySpan<byte>.Empty : ","u8), .. metadata[open..]];
    }

    /// <summary>The metadata as text with the <c>traceparent</c>; see <see cref="WithTraceParent(ReadOnlySpan{byte}, string)"/>.</summary>
    public static string? WithTraceParent(string? metadata, string traceParent)
        => WithTraceParent(Encoding.UTF8.GetBytes(metadata ?? string.Empty), traceParent) is { } changed ? Encoding.UTF8.GetString(changed) : null;

    // Where the reader's current token ends in the text: after a string's closing quote, a nested value's closing
    // bracket (Skip leaves the reader on it), or a literal's last byte.
    private static int TokenEnd(in Utf8JsonReader reader) => (int)reader.TokenStartIndex + reader.TokenType switch
    {
        JsonTokenType.String => reader.ValueSpan.Length + 2,
        JsonTokenType.EndObject or JsonTokenType.EndArray => 1,
        _ => reader.ValueSpan.Length,
    };

    private static bool IsBlank(ReadOnlySpan<byte> text) => text.Trim(" \t\r\n"u8).IsEmpty;

    // True when the text is one JSON object; value and range are those of its last top-level "traceparent" member, if
    // it has one (a JSON parser keeps the last of repeated names, as Python's json.loads does), and earlier are the
    // ones before it, each up to where the member after it starts.
    private static bool TryFindTraceParent(ReadOnlySpan<byte> json, out string? value, out Range? member, out List<Range>? earlier)
    {
        value = null;
        member = null;
        earlier = null;
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            // Where the member after the last traceparent found so far starts, once it is read.
            var next = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                if (member is not null && next < 0)
                {
                    next = start;
                }

                var isTraceParent = reader.ValueTextEquals(TraceParentKey);
                reader.Read();
                if (isTraceParent)
                {
                    value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
                if (isTraceParent)
                {
                    if (member is { } previous)
                    {
                        (earlier ??= []).Add(previous.Start..next);
                    }

                    member = start..TokenEnd(reader);
                    next = -1;
                }
            }

            // The object must end where the text ends: "{} trailing" is not JSON.
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
