using System.Globalization;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenTelemetry.Hatchet.Dispatcher;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// Reading an assignment's three fields (action_type, task run id, action name), the interceptor's reading of
/// each listen-stream message: through the generated properties (the floor, which the interceptor cannot use,
/// since it knows no generated type), by field number through <c>ProtoFields</c> as the package has it, and
/// by field number with a descriptor look-up on every read, as <c>ProtoFields</c> did before it kept them.
/// </summary>
/// <remarks>The package's ProtoFields.cs is compiled into this project (it is internal), so the row is the package's code.</remarks>
[AddedToBaselineColumn]
public class ProtoFieldsBenchmarks
{
    private const int Reads = 1000;

    private readonly AssignedAction action = new() { TaskRunExternalId = "run-1", ActionId = "bench:step", ActionType = ActionType.StartStepRun };

    [Benchmark(Baseline = true, OperationsPerInvoke = Reads, Description = "generated properties")]
    public int Generated()
    {
        var sum = 0;
        for (var read = 0; read < Reads; read++)
        {
            var typed = this.action;
            sum += (int)typed.ActionType + typed.TaskRunExternalId.Length + typed.ActionId.Length;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Reads, Description = "by number, ProtoFields")]
    public int ByNumber()
    {
        var sum = 0;
        IMessage message = this.action;
        for (var read = 0; read < Reads; read++)
        {
            sum += (ProtoFields.Enum(message, 10) ?? -1) + (ProtoFields.String(message, 8)?.Length ?? 0) + (ProtoFields.String(message, 9)?.Length ?? 0);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Reads, Description = "by number, descriptor look-up per read (before)")]
    public int ByNumberLookedUp()
    {
        var sum = 0;
        IMessage message = this.action;
        for (var read = 0; read < Reads; read++)
        {
            sum += (LookedUp.Enum(message, 10) ?? -1) + (LookedUp.String(message, 8)?.Length ?? 0) + (LookedUp.String(message, 9)?.Length ?? 0);
        }

        return sum;
    }

    /// <summary>ProtoFields' reads as they were before <c>ProtoFields</c> kept what descriptors say (commit 7051fb5).</summary>
    private static class LookedUp
    {
        public static string? String(IMessage message, int number)
            => Find(message, number, FieldType.String) is { } field && IsSet(message, field) ? field.Accessor.GetValue(message) as string : null;

        public static int? Enum(IMessage message, int number)
            => Find(message, number, FieldType.Enum) is { } field && field.Accessor.GetValue(message) is IConvertible value
                ? value.ToInt32(CultureInfo.InvariantCulture)
                : null;

        private static FieldDescriptor? Find(IMessage message, int number, FieldType type)
            => message.Descriptor.FindFieldByNumber(number) is { IsRepeated: false } field && field.FieldType == type ? field : null;

        private static bool IsSet(IMessage message, FieldDescriptor field) => !field.HasPresence || field.Accessor.HasValue(message);
    }
}
