using Google.Protobuf;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// Writes the engine's <c>PutLogRequest</c> (<c>api-contracts/events/events.proto</c> at upstream 89d130f) by field
/// number, as the Python SDK's <c>EventClient.log</c> fills it (<c>clients/events.py</c> lines 379-385): 1
/// <c>task_run_external_id</c>, 2 <c>created_at</c> (a <c>google.protobuf.Timestamp</c>), 3 <c>message</c>, 4
/// <c>level</c> and 6 <c>task_retry_count</c>, both <c>optional</c> and always set; 5 <c>metadata</c> left empty, as
/// Python leaves it. The package ships no generated types for the engine's protos.
/// </summary>
internal static class PutLogRequestEncoder
{
    private const int TaskRunExternalId = 1;
    private const int CreatedAt = 2;
    private const int Message = 3;
    private const int Level = 4;
    private const int TaskRetryCount = 6;

    public static byte[] Encode(in PendingTaskLog log, string message)
    {
        var (seconds, nanos) = Timestamp(log.CreatedAt);
        var timestampSize = TimestampSize(seconds, nanos);
        var size = StringSize(TaskRunExternalId, log.TaskRunId)
            + CodedOutputStream.ComputeTagSize(CreatedAt) + CodedOutputStream.ComputeLengthSize(timestampSize) + timestampSize
            + StringSize(Message, message)
            + StringSize(Level, log.Level)
            + CodedOutputStream.ComputeTagSize(TaskRetryCount) + CodedOutputStream.ComputeInt32Size(log.RetryCount);
        var bytes = new byte[size];
        var output = new CodedOutputStream(bytes);
        WriteString(output, TaskRunExternalId, log.TaskRunId);
        output.WriteTag(CreatedAt, WireFormat.WireType.LengthDelimited);
        output.WriteLength(timestampSize);
        if (seconds != 0)
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(seconds);
        }

        if (nanos != 0)
        {
            output.WriteTag(2, WireFormat.WireType.Varint);
            output.WriteInt32(nanos);
        }

        WriteString(output, Message, message);
        output.WriteTag(Level, WireFormat.WireType.LengthDelimited);
        output.WriteString(log.Level);
        output.WriteTag(TaskRetryCount, WireFormat.WireType.Varint);
        output.WriteInt32(log.RetryCount);
        output.CheckNoSpaceLeft();
        return bytes;
    }

    // proto3 leaves an empty string off the wire.
    private static int StringSize(int field, string value)
        => value.Length == 0 ? 0 : CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeStringSize(value);

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        if (value.Length > 0)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteString(value);
        }
    }

    private static (long Seconds, int Nanos) Timestamp(DateTime createdAt)
    {
        var ticks = (DateTime.SpecifyKind(createdAt, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        return (seconds, (int)(remainder * 100));
    }

    private static int TimestampSize(long seconds, int nanos)
        => (seconds == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(seconds)) + (nanos == 0 ? 0 : 1 + CodedOutputStream.ComputeInt32Size(nanos));
}
