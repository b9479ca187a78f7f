using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenTelemetry.Hatchet.Dispatcher;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Writes a traceparent into a request's <c>additional_metadata</c>, a string field in most of the engine's contract
/// and a bytes field in <c>v1.TriggerWorkflowRunRequest</c>; only ever into a copy of the caller's request.
/// </summary>
internal static class MetadataField
{
    /// <summary>What writing the traceparent did.</summary>
    public enum Outcome
    {
        /// <summary>The metadata now carries the traceparent.</summary>
        Written,

        /// <summary>The metadata is not a JSON object, and was left as it was.</summary>
        NotAnObject,

        /// <summary>The message has no string or bytes field of that number: the request is not the contract's.</summary>
        NoField,
    }

    public static Outcome Write(IMessage message, int number, string traceParent)
    {
        if (ProtoFields.Fields.Find(message, number) is not { Single: FieldType.String or FieldType.Bytes } field)
        {
            return Outcome.NoField;
        }

        // An unset optional field reads as its default, empty, which gets the traceparent alone, as Python's
        // {**{}, "traceparent": tp} does.
        switch (field.Accessor.GetValue(message))
        {
            case string text when AdditionalMetadata.WithTraceParent(text, traceParent) is { } written:
                field.Accessor.SetValue(message, written);
                return Outcome.Written;
            case ByteString bytes when AdditionalMetadata.WithTraceParent(bytes.Span, traceParent) is { } written:
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
