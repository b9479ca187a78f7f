using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>
/// Reads a field of any generated message by its number, through the message's descriptor: the wire contract
/// fixes numbers, not the names a user's code generator picked. Values are read in place, never copied.
/// </summary>
/// <remarks>
/// A field that is missing or of another type than the contract says reads as absent, so a client generated
/// from an older or newer proto is read as far as it matches and never makes the interceptor throw.
/// </remarks>
internal static class ProtoFields
{
    private static readonly IDictionary EmptyMap = new Hashtable();

    public static string? String(IMessage message, int number)
        => Find(message, number, FieldType.String) is { } field && IsSet(message, field) ? field.Accessor.GetValue(message) as string : null;

    public static int? Int32(IMessage message, int number)
        => Find(message, number, FieldType.Int32) is { } field && IsSet(message, field) && field.Accessor.GetValue(message) is int value ? value : null;

    /// <summary>An enum field's number; unknown numbers are kept, as protobuf keeps them.</summary>
    public static int? Enum(IMessage message, int number)
        => Find(message, number, FieldType.Enum) is { } field && field.Accessor.GetValue(message) is IConvertible value
            ? value.ToInt32(CultureInfo.InvariantCulture)
            : null;

    public static IMessage? Message(IMessage message, int number)
        => Find(message, number, FieldType.Message) is { IsMap: false, IsRepeated: false } field ? field.Accessor.GetValue(message) as IMessage : null;

    /// <summary>A repeated field's elements, or an empty list.</summary>
    public static IList Repeated(IMessage message, int number)
        => message.Descriptor.FindFieldByNumber(number) is { IsRepeated: true, IsMap: false } field && field.Accessor.GetValue(message) is IList list ? list : Array.Empty<object>();

    /// <summary>A map field, or an empty dictionary.</summary>
    public static IDictionary Map(IMessage message, int number)
        => message.Descriptor.FindFieldByNumber(number) is { IsMap: true } field && field.Accessor.GetValue(message) is IDictionary map ? map : EmptyMap;

    private static FieldDescriptor? Find(IMessage message, int number, FieldType type)
        => message.Descriptor.FindFieldByNumber(number) is { IsRepeated: false } field && field.FieldType == type ? field : null;

    // proto3 optional fields have presence; reading an unset one gives the default, which is not what was sent.
    private static bool IsSet(IMessage message, FieldDescriptor field) => !field.HasPresence || field.Accessor.HasValue(message);
}
