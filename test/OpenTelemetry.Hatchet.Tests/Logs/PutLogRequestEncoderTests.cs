using Google.Protobuf.WellKnownTypes;
using OpenTelemetry.Hatchet.Logs;

namespace OpenTelemetry.Hatchet.Tests.Logs;

/// <summary>
/// The bytes the forwarder writes are the engine's <c>PutLogRequest</c>: read back with the type generated from the
/// engine's own events.proto, every field is where Python's <c>EventClient.log</c> puts it (clients/events.py lines
/// 379-385 at upstream 89d130f).
/// </summary>
public sealed class PutLogRequestEncoderTests
{
    [Theory]
    [InlineData("2026-12-07T18:28:28.1234567Z", 2, "WARN", "charged 3 EUR")]
    [InlineData("1970-01-01T00:00:00.0000000Z", 0, "INFO", "")]
    [InlineData("1969-12-31T23:59:59.5000000Z", 0, "DEBUG", "before the epoch")]
    [InlineData("2026-12-07T18:28:28.0000000Z", 12345678, "ERROR", "ünïcödé 🚀 and a long one")]
    public void Encoded_request_parses_as_the_engines_PutLogRequest_with_every_field(string createdAt, int retryCount, string level, string message)
    {
        var time = DateTime.Parse(createdAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var log = new PendingTaskLog("5b1c3a52-7c0f-4f5e-9a51-0d8f3b0c2f11", retryCount, time, level, "not this one");

        var request = PutLogRequest.Parser.ParseFrom(PutLogRequestEncoder.Encode(log, message));

        request.TaskRunExternalId.Should().Be(log.TaskRunId);
        request.CreatedAt.Should().Be(Timestamp.FromDateTime(time));
        request.Message.Should().Be(message);
        request.HasLevel.Should().BeTrue();
        request.Level.Should().Be(level);
        request.HasTaskRetryCount.Should().BeTrue("Python always sends the retry count, 0 included");
        request.TaskRetryCount.Should().Be(retryCount);
        request.Metadata.Should().BeEmpty();
    }

    [Fact]
    public void Encoded_request_is_what_the_generated_type_writes()
    {
        var time = new DateTime(2026, 12, 7, 18, 28, 28, DateTimeKind.Utc).AddTicks(1234567);
        var log = new PendingTaskLog("5b1c3a52-7c0f-4f5e-9a51-0d8f3b0c2f11", 3, time, "INFO", string.Empty);
        var generated = new PutLogRequest
        {
            TaskRunExternalId = log.TaskRunId,
            CreatedAt = Timestamp.FromDateTime(time),
            Message = "hello",
            Level = "INFO",
            TaskRetryCount = 3,
        };

        PutLogRequestEncoder.Encode(log, "hello").Should().Equal(Google.Protobuf.MessageExtensions.ToByteArray(generated));
    }
}
