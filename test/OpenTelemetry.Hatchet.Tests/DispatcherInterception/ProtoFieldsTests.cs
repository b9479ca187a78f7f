using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using OpenTelemetry.Hatchet.Dispatcher;
using FileOptions = Google.Protobuf.Reflection.FileOptions;
using Renamed = Elsewhere.Generated.HatchetClient;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// Reading by field number with what descriptors say kept per message type and number: each type keeps its own
/// answer, absent numbers stay absent, the table is bounded, and a full table still reads every type right.
/// </summary>
public sealed class ProtoFieldsTests
{
    [Fact]
    public void Each_message_type_keeps_its_own_answer_for_the_same_field_number()
    {
        // Field 8 is AssignedAction's run id (a string) and the renamed JobNews' kind (an enum).
        var table = new ProtoFields.FieldTable(maxMessageTypes: 4, maxKeptNumber: 64);
        IMessage assignment = FromWire(new AssignedAction { TaskRunExternalId = "run-1" });
        IMessage news = FromWire(new Renamed.JobNews { Run = "run-2", Kind = Renamed.NewsKind.NewsBroke });

        for (var round = 0; round < 3; round++)
        {
            table.Find(assignment, 8)!.Single.Should().Be(FieldType.String);
            table.Find(news, 8)!.Single.Should().Be(FieldType.Enum);
        }

        table.Find(assignment, 8).Should().BeSameAs(table.Find(assignment, 8), "the answer is kept, not looked up again");
        table.Find(news, 8).Should().BeSameAs(table.Find(news, 8));
        table.Find(news, 8).Should().NotBeSameAs(table.Find(assignment, 8));
        table.KeptMessageTypes.Should().Be(2);
    }

    [Fact]
    public void The_shared_reads_follow_each_message_types_own_field()
    {
        IMessage assignment = FromWire(new AssignedAction { TaskRunExternalId = "run-1", ActionType = ActionType.CancelStepRun });
        IMessage news = FromWire(new Renamed.JobNews { Run = "run-2", Kind = Renamed.NewsKind.NewsBroke });

        for (var round = 0; round < 3; round++)
        {
            ProtoFields.String(assignment, 8).Should().Be("run-1");
            ProtoFields.String(news, 8).Should().BeNull("JobNews' field 8 is an enum");
            ProtoFields.Enum(news, 8).Should().Be((int)Renamed.NewsKind.NewsBroke);
            ProtoFields.Enum(assignment, 8).Should().BeNull("AssignedAction's field 8 is a string");
            ProtoFields.Enum(assignment, 10).Should().Be((int)ActionType.CancelStepRun);
            ProtoFields.String(news, 5).Should().Be("run-2");
        }
    }

    [Fact]
    public void A_number_a_message_type_lacks_is_kept_as_absent_without_hiding_it_in_another_type()
    {
        // The renamed Pulse has field 1 only.
        var table = new ProtoFields.FieldTable(maxMessageTypes: 4, maxKeptNumber: 64);
        IMessage pulse = FromWire(new Renamed.Pulse { Id = "w" });
        IMessage assignment = FromWire(new AssignedAction { TaskRunExternalId = "run-1" });

        table.Find(pulse, 8).Should().BeNull();
        table.Find(pulse, 8).Should().BeNull("an absent number stays absent once kept");
        table.Find(assignment, 8)!.Single.Should().Be(FieldType.String);
        table.Find(pulse, 1)!.Single.Should().Be(FieldType.String);
        table.Find(pulse, 0).Should().BeNull();
        table.Find(pulse, -1).Should().BeNull();
        table.Find(pulse, int.MaxValue).Should().BeNull();

        ProtoFields.String(pulse, 8).Should().BeNull();
        ProtoFields.Enum(pulse, 10).Should().BeNull();
        ProtoFields.String(pulse, 1).Should().Be("w");
    }

    [Fact]
    public void Numbers_beyond_the_kept_range_are_read_right_and_not_kept()
    {
        var table = new ProtoFields.FieldTable(maxMessageTypes: 4, maxKeptNumber: 9);
        IMessage assignment = FromWire(new AssignedAction { TaskRunExternalId = "run-1", ActionId = "wf:step" });

        table.Find(assignment, 9)!.Single.Should().Be(FieldType.String);
        table.Find(assignment, 9).Should().NotBeSameAs(table.Find(assignment, 9), "number 9 is beyond this table's range");
        table.KeptMessageTypes.Should().Be(0);
        table.Find(assignment, 8).Should().BeSameAs(table.Find(assignment, 8));
        table.KeptMessageTypes.Should().Be(1);

        // Every *Options message has uninterpreted_option at 999, beyond the shared table's range.
        var options = new FileOptions { JavaPackage = "p", UninterpretedOption = { new UninterpretedOption() } };
        ProtoFields.Repeated(options, 999).Count.Should().Be(1);
        ProtoFields.String(options, 999).Should().BeNull("field 999 is repeated");
        ProtoFields.String(options, 1).Should().Be("p");
    }

    [Fact]
    public void A_full_table_keeps_no_more_types_and_still_reads_every_type_right()
    {
        var table = new ProtoFields.FieldTable(maxMessageTypes: 3, maxKeptNumber: 64);
        IMessage[] messages = [.. NamedMessages().Take(6).Select(named => named.Message)];

        foreach (var message in messages)
        {
            table.Find(message, 1)!.Single.Should().Be(FieldType.String);
            table.Find(message, 1)!.Descriptor.Should().BeSameAs(message.Descriptor.FindFieldByNumber(1));
        }

        table.KeptMessageTypes.Should().Be(3);
        foreach (var message in messages.Take(3))
        {
            table.Find(message, 1).Should().BeSameAs(table.Find(message, 1), "the first three types are kept");
        }

        foreach (var message in messages.Skip(3))
        {
            table.Find(message, 1).Should().NotBeSameAs(table.Find(message, 1), "a full table keeps no more");
        }

        table.KeptMessageTypes.Should().Be(3);
    }

    [Fact]
    public void A_table_with_the_shared_tables_bounds_reads_more_types_than_it_keeps()
    {
        // A table of its own: filling the shared one would leave later tests in this process reading the slow way.
        var table = new ProtoFields.FieldTable(ProtoFields.MaxMessageTypes, ProtoFields.MaxKeptNumber);
        var named = NamedMessages().ToList();
        named.Select(pair => pair.Message.Descriptor).Distinct().Count().Should().BeGreaterThan(ProtoFields.MaxMessageTypes);

        for (var round = 0; round < 2; round++)
        {
            foreach (var (message, name) in named)
            {
                table.Find(message, 1)!.Accessor.GetValue(message).Should().Be(name, message.Descriptor.FullName);
            }
        }

        table.KeptMessageTypes.Should().Be(ProtoFields.MaxMessageTypes);
    }

    [Fact]
    public void Types_first_read_by_threads_at_once_are_kept_once_each()
    {
        // Two threads (the cores of a small machine) spin until released together, then read the same types in
        // the same order: both miss the same type, both try to keep it, and only one may.
        IMessage[] messages = [.. NamedMessages().Take(6).Select(named => named.Message)];
        var wrong = new System.Collections.Concurrent.ConcurrentQueue<string>();
        for (var round = 0; round < 500; round++)
        {
            var table = new ProtoFields.FieldTable(maxMessageTypes: 4, maxKeptNumber: 64);
            var ready = 0;
            var go = 0;
            var readers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
            {
                Interlocked.Increment(ref ready);
                while (Volatile.Read(ref go) == 0)
                {
                    Thread.SpinWait(1);
                }

                foreach (var message in messages)
                {
                    if (!ReferenceEquals(table.Find(message, 1)?.Descriptor, message.Descriptor.FindFieldByNumber(1)))
                    {
                        wrong.Enqueue(message.Descriptor.FullName);
                    }
                }
            })).ToArray();
            Array.ForEach(readers, thread => thread.Start());
            while (Volatile.Read(ref ready) < readers.Length)
            {
                Thread.SpinWait(1);
            }

            Volatile.Write(ref go, 1);
            Array.ForEach(readers, thread => thread.Join());

            var kept = messages.Count(message => ReferenceEquals(table.Find(message, 1), table.Find(message, 1)));
            table.KeptMessageTypes.Should().Be(4);
            kept.Should().Be(4, "each type is kept once, so four slots hold four types (round {0})", round);
        }

        wrong.Should().BeEmpty();
    }

    [Fact]
    public void Enum_values_read_as_their_numbers_known_or_not()
    {
        foreach (var number in new[] { 0, 1, 2, 3, 77, -5, int.MaxValue, int.MinValue })
        {
            IMessage job = FromWire(new Renamed.Job { Run = "r", Kind = (Renamed.JobKind)number });

            ProtoFields.Enum(job, 10).Should().Be(number);
        }

        var table = new ProtoFields.FieldTable(maxMessageTypes: 4, maxKeptNumber: 64);
        table.Find(new Renamed.Job(), 10)!.Int32EnumType.Should().Be<Renamed.JobKind>();
        table.Find(new Renamed.Job(), 8)!.Int32EnumType.Should().BeNull();
    }

    [Fact]
    public void Reading_an_enum_allocates_only_protobufs_own_box()
    {
        IMessage job = FromWire(new Renamed.Job { Run = "r", Kind = Renamed.JobKind.Batch });
        const int Reads = 1000;
        var sum = 0;
        for (var read = 0; read < Reads; read++)
        {
            sum += ProtoFields.Enum(job, 10) ?? 0;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var read = 0; read < Reads; read++)
        {
            sum += ProtoFields.Enum(job, 10) ?? 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        sum.Should().Be(2 * Reads * (int)Renamed.JobKind.Batch);
        allocated.Should().BeLessThan(Reads * 32, "the accessor boxes the enum (24 B); nothing here boxes it again");
    }

    [Fact]
    public void Reads_of_another_kind_than_the_field_are_absent()
    {
        // Enrolment: 1 string, 2 repeated string, 4 optional int32, 5 map<string, Tag>, 9 map<string, int32>.
        IMessage enrolment = FromWire(new Renamed.Enrolment { Who = "w", CanDo = { "a", "b" }, Tags = { ["zone"] = new Renamed.Tag { Text = "eu" } } });
        IMessage withCapacity = FromWire(new Renamed.Enrolment { Who = "w", Capacity = 0 });

        ProtoFields.String(enrolment, 1).Should().Be("w");
        ProtoFields.String(enrolment, 2).Should().BeNull("a repeated field is not a single string");
        ProtoFields.Repeated(enrolment, 2).Count.Should().Be(2);
        ProtoFields.Repeated(enrolment, 5).Count.Should().Be(0, "a map is not a list");
        ProtoFields.Repeated(enrolment, 1).Count.Should().Be(0);
        ProtoFields.Map(enrolment, 5).Count.Should().Be(1);
        ProtoFields.Map(enrolment, 2).Count.Should().Be(0, "a list is not a map");
        ProtoFields.Message(enrolment, 5).Should().BeNull("a map is not a message");
        ProtoFields.Message(ProtoFields.Map(enrolment, 5)["zone"] as IMessage ?? throw new InvalidOperationException(), 1).Should().BeNull();
        ProtoFields.Int32(enrolment, 4).Should().BeNull("capacity has presence and was not sent");
        ProtoFields.Int32(withCapacity, 4).Should().Be(0, "an optional field sent as 0 is set");
        ProtoFields.Int32(enrolment, 1).Should().BeNull("field 1 is a string");
        ProtoFields.Enum(enrolment, 1).Should().BeNull();
        ProtoFields.String(new Renamed.Tag(), 1).Should().BeNull("an optional string not sent is absent, not empty");
        ProtoFields.String(FromWire(new Renamed.Tag { Text = string.Empty }), 1).Should().Be(string.Empty);
    }

    [Fact]
    public void A_message_field_is_read_as_the_message()
    {
        var timestamp = new Timestamp { Seconds = 5 };
        IMessage option = new Option { Name = "o", Value = Any.Pack(timestamp) };

        ProtoFields.Message(option, 2).Should().BeOfType<Any>().Which.Unpack<Timestamp>().Should().Be(timestamp);
        ProtoFields.Message(option, 1).Should().BeNull("field 1 is a string");
    }

    private static T FromWire<T>(T message)
        where T : IMessage<T>, new()
        => new MessageParser<T>(() => new T()).ParseFrom(message.ToByteArray());

    /// <summary>More message types than the shared table keeps, each with a string at field 1 set to a name of its own.</summary>
    private static IEnumerable<(IMessage Message, string Name)> NamedMessages()
    {
        IMessage[] messages =
        [
            new StringValue(), new SourceContext(), new Google.Protobuf.WellKnownTypes.Type(), new Google.Protobuf.WellKnownTypes.Enum(),
            new EnumValue(), new Option(), new Api(), new Method(), new Mixin(), new Any(), new Field { Kind = Field.Types.Kind.TypeString },
            new FileDescriptorProto(), new DescriptorProto(), new FieldDescriptorProto(), new OneofDescriptorProto(),
            new EnumDescriptorProto(), new EnumValueDescriptorProto(), new ServiceDescriptorProto(), new MethodDescriptorProto(),
            new FileOptions(), new UninterpretedOption.Types.NamePart(), new DescriptorProto.Types.ReservedRange(),
            new WorkerRegisterRequest(), new WorkerRegisterResponse(), new WorkerListenRequest(), new HeartbeatRequest(),
            new StepActionEvent(), new ReleaseSlotRequest(), new WorkerUnsubscribeRequest(), new Renamed.Enrolment(),
            new Renamed.EnrolmentReceipt(), new Renamed.Subscription(), new Renamed.Pulse(), new Renamed.JobNews(), new Renamed.GiveBack(), new Renamed.Tag(), new AssignedAction(),
        ];
        foreach (var message in messages)
        {
            var field = message.Descriptor.FindFieldByNumber(1);
            if (field is { IsRepeated: false, FieldType: FieldType.String })
            {
                var name = "name-of-" + message.Descriptor.FullName;
                field.Accessor.SetValue(message, name);
                yield return (message, name);
            }
        }
    }
}
