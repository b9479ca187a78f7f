using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenTelemetry.Hatchet.Dispatcher;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Writes a traceparent, and the members Python writes beside it, into a request's <c>additional_metadata</c>, a string field in most of the engine's contract
/// and a bytes field in <c>v1.TriggerWorkflowRunRequest</c>; only ever into a copy of the caller's request.
/// </summary>
internal static class MetadataField
{
    /// <summary>What writing the traceparent did.</summary>
    public enum Outcome
    {
        /// <summary>The metadata now carries the members.</summary>
        Written,

        /// <summary>The metadata is not a JSON object, and was left as it was.</summary>
        NotAnObject,

        /// <summary>The message has no string or bytes field of that number: the request is not the contract's.</summary>
        NoField,
    }

    public static Outcome Write(IMessage message, int number, IReadOnlyList<KeyValuePair<string, string>> members)
    {
        if (ProtoFields.Fields.Find(message, number) is not { Single: FieldType.String or FieldType.Bytes } field)
        {
            return Outcome.NoField;
        }

        // An unset optional field reads as its default, empty, which gets the members alone, as Python's
        // {**{}, "traceparent": tp} does.
        switch (field.Accessor.GetValue(message))
        {
            case string text when AdditionalMetadata.WithMembers(text, members) is { } written:
                field.Accessor.SetValue(message, written);
                return Outcome.Written;
            case ByteString bytes when AdditionalMetadata.WithMembers(bytes.Span, members) is { } written:
                // The array is new and nothing else holds it: wrapped, not copied again.
                field.Accessor.SetValue(message, UnsafeByteOperations.UnsafeWrap(written));
                return Outcome.Written;
            case string or ByteString:
                return Outcome.NotAnObject;
            default:
                return Outcome.NoField;
        }
    }
}
