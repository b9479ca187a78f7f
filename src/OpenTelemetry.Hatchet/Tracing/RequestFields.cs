using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenTelemetry.Hatchet.Dispatcher;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Reads the fields of a traced call's request that <see cref="ProtoFields"/> has no reader for, by number, through
/// the same kept descriptors: text that one contract sends as a string and another as bytes, and 64-bit numbers.
/// Number 0 stands for a field the request does not have: protobuf has no field 0, so it reads as absent.
/// </summary>
internal static class RequestFields
{
    /// <summary>A string field, or a bytes field read as UTF-8; <see langword="null"/> when absent, unset or of another type.</summary>
    public static string? Text(IMessage message, int number)
    {
        if (ProtoFields.Fields.Find(message, number) is not { Single: FieldType.String or FieldType.Bytes } field
            || !ProtoFields.IsSet(message, field))
        {
            return null;
        }

        return field.Accessor.GetValue(message) switch
        {
            string text => text,
            ByteString bytes => Encoding.UTF8.GetString(bytes.Span),
            _ => null,
        };
    }

    /// <summary>An int64 field, as <see cref="ProtoFields.Int32"/> reads an int32 one.</summary>
    public static long? Int64(IMessage message, int number)
    {
        if (ProtoFields.Fields.Find(message, number) is not { Single: FieldType.Int64 } field
            || !ProtoFields.IsSet(message, field))
        {
            return null;
        }

        return field.Accessor.GetValue(message) is long value ? value : null;
    }
}
