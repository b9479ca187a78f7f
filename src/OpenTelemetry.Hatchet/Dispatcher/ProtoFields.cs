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
/// <para>
/// A field that is missing or of another type than the contract says reads as absent, so a client generated
/// from an older or newer proto is read as far as it matches and never makes the interceptor throw.
/// </para>
/// <para>
/// What a message type's descriptor says of a field number is looked up once and kept in <see cref="Fields"/>
/// (a descriptor never changes once built), instead of on every message. Nothing here generates code: only
/// Google.Protobuf's own descriptors and accessors are kept and called.
/// </para>
/// </remarks>
internal static class ProtoFields
{
    /// <summary>The most message types whose fields are kept; the dispatcher contract has fewer than ten to read.</summary>
    internal const int MaxMessageTypes = 32;

    /// <summary>Field numbers below this are kept; the dispatcher contract's are all below 20.</summary>
    internal const int MaxKeptNumber = 64;

    private static readonly IDictionary EmptyMap = new Hashtable();

    /// <summary>Gets the fields kept for every read here, for the whole process.</summary>
    internal static FieldTable Fields { get; } = new(MaxMessageTypes, MaxKeptNumber);

    public static string? String(IMessage message, int number)
        => Fields.Find(message, number) is { Single: FieldType.String } field && IsSet(message, field) ? field.Accessor.GetValue(message) as string : null;

    public static int? Int32(IMessage message, int number)
        => Fields.Find(message, number) is { Single: FieldType.Int32 } field && IsSet(message, field) && field.Accessor.GetValue(message) is int value ? value : null;

    /// <summary>An enum field's number; unknown numbers are kept, as protobuf keeps them.</summary>
    public static int? Enum(IMessage message, int number)
    {
        if (Fields.Find(message, number) is not { Single: FieldType.Enum } field)
        {
            return null;
        }

        var value = field.Accessor.GetValue(message);

        // A generated enum is int-based: unboxed as it is, without the second box IConvertible.ToInt32 makes.
        if (value is not null && value.GetType() == field.Int32EnumType)
        {
            return (int)value;
        }

        return value is IConvertible convertible ? convertible.ToInt32(CultureInfo.InvariantCulture) : null;
    }

    public static IMessage? Message(IMessage message, int number)
        => Fields.Find(message, number) is { Single: FieldType.Message, IsMap: false } field ? field.Accessor.GetValue(message) as IMessage : null;

    /// <summary>A repeated field's elements, or an empty list.</summary>
    public static IList Repeated(IMessage message, int number)
        => Fields.Find(message, number) is { IsRepeated: true, IsMap: false } field && field.Accessor.GetValue(message) is IList list ? list : Array.Empty<object>();

    /// <summary>A map field, or an empty dictionary.</summary>
    public static IDictionary Map(IMessage message, int number)
        => Fields.Find(message, number) is { IsMap: true } field && field.Accessor.GetValue(message) is IDictionary map ? map : EmptyMap;

    /// <summary>
    /// Whether the field was sent: proto3 optional fields have presence, and reading an unset one gives the default,
    /// which is not what was sent.
    /// </summary>
    internal static bool IsSet(IMessage message, Field field) => !field.HasPresence || field.Accessor.HasValue(message);

    /// <summary>
    /// What message types' descriptors say of their field numbers, looked up once each (with
    /// <see cref="MessageDescriptor.FindFieldByNumber"/>) and kept. Bounded: at most <c>maxMessageTypes</c>
    /// types and numbers below <c>maxKeptNumber</c> are kept; anything beyond is looked up on every read.
    /// </summary>
    /// <remarks>Thread-safe without a lock: readers scan a snapshot; a new type is added copy-on-write.</remarks>
    internal sealed class FieldTable(int maxMessageTypes, int maxKeptNumber)
    {
        // A few entries, compared by reference: fewer instructions than hashing the descriptor.
        private MessageFields[] kept = [];

        /// <summary>Gets the number of message types whose fields are kept.</summary>
        public int KeptMessageTypes => Volatile.Read(ref this.kept).Length;

        /// <summary>What the message's descriptor says of the field number, or <see langword="null"/> if it has no such field.</summary>
        public Field? Find(IMessage message, int number)
        {
            var descriptor = message.Descriptor;
            if ((uint)number >= (uint)maxKeptNumber)
            {
                return Field.Of(descriptor.FindFieldByNumber(number));
            }

            foreach (var fields in Volatile.Read(ref this.kept))
            {
                if (ReferenceEquals(fields.Descriptor, descriptor))
                {
                    return fields.Find(number);
                }
            }

            return this.Keep(descriptor) is { } added ? added.Find(number) : Field.Of(descriptor.FindFieldByNumber(number));
        }

        /// <summary>Keeps a message type, or returns <see langword="null"/> if the table is full.</summary>
        private MessageFields? Keep(MessageDescriptor descriptor)
        {
            var snapshot = Volatile.Read(ref this.kept);
            while (true)
            {
                // Another thread may have kept it since the caller's scan.
                foreach (var fields in snapshot)
                {
                    if (ReferenceEquals(fields.Descriptor, descriptor))
                    {
                        return fields;
                    }
                }

                if (snapshot.Length >= maxMessageTypes)
                {
                    return null;
                }

                var added = new MessageFields(descriptor, maxKeptNumber);
                var seen = Interlocked.CompareExchange(ref this.kept, [.. snapshot, added], snapshot);
                if (ReferenceEquals(seen, snapshot))
                {
                    return added;
                }

                snapshot = seen;
            }
        }
    }

    /// <summary>What ProtoFields needs of a field descriptor, read from it once.</summary>
    internal sealed class Field
    {
        /// <summary>Stands for a field number the message does not have.</summary>
        internal static readonly Field Absent = new();

        private Field()
        {
            this.Accessor = null!;
        }

        private Field(FieldDescriptor descriptor)
        {
            this.Descriptor = descriptor;
            this.Accessor = descriptor.Accessor;
            this.IsRepeated = descriptor.IsRepeated;
            this.IsMap = descriptor.IsMap;
            this.Single = this.IsRepeated ? null : descriptor.FieldType;
            this.HasPresence = !this.IsRepeated && descriptor.HasPresence;
            this.Int32EnumType = this.Single == FieldType.Enum && descriptor.EnumType?.ClrType is { IsEnum: true } type && Type.GetTypeCode(type) == TypeCode.Int32
                ? type
                : null;
        }

        /// <summary>Gets the descriptor it was read from.</summary>
        public FieldDescriptor? Descriptor { get; }

        public IFieldAccessor Accessor { get; }

        /// <summary>Gets the field's type if it holds one value (is not repeated), else <see langword="null"/>.</summary>
        public FieldType? Single { get; }

        public bool IsRepeated { get; }

        public bool IsMap { get; }

        /// <summary>Gets whether a single field tells set from unset (<see cref="FieldDescriptor.HasPresence"/>).</summary>
        public bool HasPresence { get; }

        /// <summary>Gets an enum field's generated type if it is int-based, as protobuf's C# enums are.</summary>
        public Type? Int32EnumType { get; }

        public static Field? Of(FieldDescriptor? descriptor) => descriptor is null ? null : new Field(descriptor);
    }

    /// <summary>One message type's fields by number, each looked up the first time it is asked for.</summary>
    private sealed class MessageFields(MessageDescriptor descriptor, int maxKeptNumber)
    {
        // null: not looked up yet; Field.Absent: the message has no such field.
        private readonly Field?[] byNumber = new Field?[maxKeptNumber];

        public MessageDescriptor Descriptor => descriptor;

        public Field? Find(int number)
        {
            var field = Volatile.Read(ref this.byNumber[number]);
            if (field is null)
            {
                // Two threads may both look it up: the answers are alike, and either may be kept.
                field = Field.Of(descriptor.FindFieldByNumber(number)) ?? Field.Absent;
                Volatile.Write(ref this.byNumber[number], field);
            }

            return ReferenceEquals(field, Field.Absent) ? null : field;
        }
    }
}
