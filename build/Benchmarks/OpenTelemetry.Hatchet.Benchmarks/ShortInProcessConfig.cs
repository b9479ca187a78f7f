using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// A few iterations, in this process: the figures are for comparing with the peers in the same run, not
/// for tracking nanoseconds, and build/bench.sh must stay within minutes on two cores. Running in process
/// spares BenchmarkDotNet a build of its own for each run.
/// </summary>
public sealed class ShortInProcessConfig : ManualConfig
{
    public ShortInProcessConfig()
    {
        this.Add(DefaultConfig.Instance);
        this.AddJob(Job.ShortRun.WithIterationCount(7).WithToolchain(InProcessEmitToolchain.Instance).WithId("Short-InProcess"));
        this.AddDiagnoser(MemoryDiagnoser.Default);
        this.HideColumns(Column.Job, Column.Toolchain, Column.IterationCount, Column.LaunchCount, Column.WarmupCount);
    }
}
