using System.Diagnostics.Metrics;

namespace OpenTelemetry.Hatchet.Metrics;

/// <summary>
/// The task-run instruments, fed by <see cref="HatchetDispatcherInterceptor"/>: runs started and ended, how
/// long each waited on the worker to start, and how long it ran.
/// </summary>
/// <remarks>
/// Named in the OpenTelemetry semantic-convention style, outside <c>hatchet.worker.*</c> (the Hatchet SDKs'
/// gauges). Attributes are the action name and the outcome only, never a run id, so the number of series
/// stays that of the worker's registered actions. They exist only once a client is wired with the
/// interceptor, so a worker that does not use it publishes no empty histograms.
/// </remarks>
internal sealed class TaskRunInstruments
{
    public const string ActionAttribute = "hatchet.action.name";
    public const string OutcomeAttribute = "hatchet.task_run.outcome";

    // Task runs take from milliseconds to tens of minutes; OpenTelemetry's default buckets stop at 10 s.
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Counter<long> started;
    private readonly Counter<long> ended;
    private readonly Histogram<double> waitDuration;
    private readonly Histogram<double> duration;

    public TaskRunInstruments(IMeterFactory meterFactory)
    {
        var meter = HatchetWorkerMeter.CreateMeter(meterFactory);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets };
        this.started = meter.CreateCounter<long>(
            "hatchet.task_run.started",
            unit: "{task_run}",
            description: "Task runs the worker started (sent STARTED for)");
        this.ended = meter.CreateCounter<long>(
            "hatchet.task_run.ended",
            unit: "{task_run}",
            description: "Task runs that ended on the worker, by outcome: completed, failed, cancelled, or unknown when no end was reported");
        this.waitDuration = meter.CreateHistogram(
            "hatchet.task_run.wait.duration",
            unit: "s",
            description: "Time from a task run's assignment to the worker until the worker started it",
            tags: null,
            advice: advice);
        this.duration = meter.CreateHistogram(
            "hatchet.task_run.duration",
            unit: "s",
            description: "Time from a task run's start on the worker until it ended, by outcome",
            tags: null,
            advice: advice);
    }

    public void Started(string action, TimeSpan waited)
    {
        var actionTag = new KeyValuePair<string, object?>(ActionAttribute, action);
        this.started.Add(1, actionTag);
        this.waitDuration.Record(waited.TotalSeconds, actionTag);
    }

    /// <param name="action">The run's action name.</param>
    /// <param name="outcome">One of <see cref="TaskRunOutcome"/>'s values.</param>
    /// <param name="ran">How long it ran, or <see langword="null"/> if it never started.</param>
    public void Ended(string action, string outcome, TimeSpan? ran)
    {
        var actionTag = new KeyValuePair<string, object?>(ActionAttribute, action);
        var outcomeTag = new KeyValuePair<string, object?>(OutcomeAttribute, outcome);
        this.ended.Add(1, actionTag, outcomeTag);
        if (ran is { } time)
        {
            this.duration.Record(time.TotalSeconds, actionTag, outcomeTag);
        }
    }
}
