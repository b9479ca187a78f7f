using Google.Protobuf;
using OpenTelemetry.Hatchet.Dispatcher;
using Renamed = Elsewhere.Generated.HatchetClient;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>Messages read by field number, from messages as they arrive from the wire (parsed from bytes).</summary>
public sealed class DispatcherMessagesTests
{
    [Fact]
    public void Slots_are_the_sum_of_the_slot_config_when_there_is_one()
    {
        var register = FromWire(new WorkerRegisterRequest { WorkerName = "w", Slots = 99, SlotConfig = { ["default"] = 4, ["durable"] = 6 } });

        DispatcherMessages.Describe(register)!.Slots.Should().Be(10);
    }

    [Fact]
    public void Slots_fall_back_to_the_deprecated_field_and_to_the_engine_default_without_either()
    {
        DispatcherMessages.Describe(FromWire(new WorkerRegisterRequest { WorkerName = "w", Slots = 5 }))!.Slots.Should().Be(5);
        DispatcherMessages.Describe(FromWire(new WorkerRegisterRequest { WorkerName = "w" }))!.Slots.Should().Be(100, "the engine gives 100 slots to a worker that names none");
    }

    [Fact]
    public void Labels_of_either_kind_are_read_as_text()
    {
        var register = FromWire(new WorkerRegisterRequest
        {
            WorkerName = "w",
            Labels = { ["zone"] = new WorkerLabels { StrValue = "eu" }, ["gpus"] = new WorkerLabels { IntValue = 2 }, ["empty"] = new WorkerLabels() },
        });

        DispatcherMessages.Describe(register)!.Labels.Should().BeEquivalentTo(new Dictionary<string, string> { ["zone"] = "eu", ["gpus"] = "2" });
    }

    [Fact]
    public void Registration_without_a_name_describes_nothing()
        => DispatcherMessages.Describe(FromWire(new WorkerRegisterRequest { Actions = { "a" } })).Should().BeNull();

    [Fact]
    public void Field_of_another_type_than_the_contract_says_reads_as_absent()
    {
        // Pulse has field 1 as a string; read as an AssignedAction it has no action_type at 10 and no run id at 8.
        var notAnAssignment = FromWire(new Renamed.Pulse { Id = "x" });

        DispatcherMessages.Assignment(notAnAssignment).Should().Be((-1, (string?)null, (string?)null));
        DispatcherMessages.Describe(FromWire(new Renamed.EnrolmentReceipt { Tenant = "t" })).Should().NotBeNull("field 1 is a string in both");
    }

    [Fact]
    public void Random_registrations_are_described_as_they_were_sent()
    {
        // Property: whatever a worker registers, the description read by field number is what it sent.
        var random = new Random(20261201);
        for (var sample = 0; sample < 500; sample++)
        {
            var sent = new WorkerRegisterRequest { WorkerName = "worker-" + random.Next() };
            var actions = Enumerable.Range(0, random.Next(0, 20)).Select(index => $"wf:step-{index}-{random.Next()}").ToList();
            sent.Actions.AddRange(actions);
            var config = Enumerable.Range(0, random.Next(0, 4)).ToDictionary(index => $"type-{index}", _ => random.Next(0, 1000));
            sent.SlotConfig.Add(config);
            if (random.Next(2) == 0)
            {
                sent.Slots = random.Next(0, 1000);
            }

            var described = DispatcherMessages.Describe(FromWire(sent))!;

            described.Name.Should().Be(sent.WorkerName);
            described.Actions.Should().Equal(actions);
            described.Slots.Should().Be(config.Count > 0 ? config.Values.Sum() : (sent.HasSlots ? sent.Slots : 100));
        }
    }

    [Fact]
    public void Assignments_and_events_are_read_from_any_generated_names()
    {
        var assignment = FromWire(new Renamed.Job { Run = "run-1", What = "a", Kind = Renamed.JobKind.Batch });
        var stepEvent = FromWire(new Renamed.JobNews { Run = "run-1", Kind = Renamed.NewsKind.NewsBroke, Detail = "it broke" });

        DispatcherMessages.Assignment(assignment).Should().Be((DispatcherMessages.StartBatch, "run-1", "a"));
        DispatcherMessages.StepEvent(stepEvent).Should().Be((DispatcherMessages.Failed, "run-1"));
        DispatcherMessages.EventPayload(stepEvent, batchItem: false).Should().Be("it broke");
    }

    private static T FromWire<T>(T message)
        where T : IMessage<T>, new()
        => new MessageParser<T>(() => new T()).ParseFrom(message.ToByteArray());
}
