using OpenTelemetry.Hatchet.Tests.Http;
using SharpFuzz;

// AFL++ feeds one input per run; any exception is a finding. The server never hands the parser more than
// one connection's buffer, so longer inputs are cut there.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    var input = memory.GetBuffer().AsSpan(0, (int)Math.Min(memory.Length, RequestHeadInvariants.MaxInput));
    RequestHeadInvariants.Check(input);
});
