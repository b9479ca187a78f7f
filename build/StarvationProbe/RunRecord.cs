namespace StarvationProbe;

/// <summary>Everything one run measured, with the instants that divide it into phases.</summary>
/// <param name="Label">The run's name in the report, for example "before (088afbf)".</param>
/// <param name="Threshold">The lag threshold the worker was configured with, as the report shows it.</param>
/// <param name="SaturationStart">When the first blocking work item was queued (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</param>
/// <param name="Release">When the blocking work items were released.</param>
/// <param name="PoolThreadsAtRelease">How many threads the pool had grown to by the release.</param>
/// <param name="ItemsStartedAtRelease">How many of the blocking work items had started by the release.</param>
/// <param name="ItemsQueued">How many blocking work items were queued.</param>
/// <param name="Paths">Each path probed, with its timeout and results; results are null when the server does not serve the path.</param>
internal sealed record RunRecord(
    string Label,
    string Threshold,
    long SaturationStart,
    long Release,
    int PoolThreadsAtRelease,
    int ItemsStartedAtRelease,
    int ItemsQueued,
    IReadOnlyList<PathRecord> Paths);

/// <summary>The results of probing one path.</summary>
/// <param name="Path">The path.</param>
/// <param name="Timeout">How long each probe waited for the whole answer.</param>
/// <param name="Results">Every probe, in order; null when the path answered 404 before the saturation.</param>
internal sealed record PathRecord(string Path, TimeSpan Timeout, IReadOnlyList<ProbeResult>? Results);
