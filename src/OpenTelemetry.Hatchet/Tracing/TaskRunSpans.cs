using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using OpenTelemetry.Hatchet.Dispatcher;
using OpenTelemetry.Hatchet.Metrics;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// A task run's span, as the Python SDK's instrumentor makes it (<c>_wrap_handle_start_step_run</c>,
/// <c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c> lines 487-522 at upstream 89d130f): named
/// <c>hatchet.start_step_run</c>, of kind consumer, its parent the <c>traceparent</c> in the run's
/// <c>additional_metadata</c>, or none.
/// </summary>
/// <remarks>
/// <para>
/// The span begins when the run is assigned, so that it covers the wait for a slot; an event marks when the worker
/// said it started. It ends when the run does (<see cref="Status.TaskRuns"/> decides when: an event of the worker,
/// a cancel of the engine, or an inferred end), with an error status when the run failed.
/// </para>
/// <para>
/// Spans are started and ended on threads that run other code: the listen stream's reader, a task's own call to
/// send its result. Neither is left with the span, or without its own, as <see cref="Activity.Current"/>.
/// </para>
/// </remarks>
internal static class TaskRunSpans
{
    public const string StartStepRun = "hatchet.start_step_run";

    /// <summary>The span Python makes around a cancel (<c>_wrap_handle_cancel_action</c>, lines 524-541).</summary>
    public const string CancelStepRun = "hatchet.cancel_step_run";

    /// <summary>The event that marks when the worker reported the run started.</summary>
    public const string StartedEvent = "hatchet.step_run.started";

    // The spans of runs not yet ended, for a task's code to join (JoinTrace). Every one is removed when its run ends,
    // and TaskRuns bounds how many runs are open.
    private static readonly ConcurrentDictionary<string, Activity> Open = new(StringComparer.Ordinal);

    /// <summary>Starts the span of an assigned run; null when no listener asked for it.</summary>
    public static Activity? Start(IMessage action, string taskRunId, string? workerId, HatchetInstrumentationOptions options)
    {
        var source = HatchetActivitySource.Source;
        if (!source.HasListeners())
        {
            return null;
        }

        var parent = AdditionalMetadata.TraceParent(ProtoFields.String(action, 14)) ?? default;
        var actionId = ProtoFields.String(action, 9);
        var name = options.IncludeTaskNameInStartStepRunSpanName && !string.IsNullOrEmpty(actionId) ? $"{StartStepRun}.{actionId}" : StartStepRun;
        var previous = Activity.Current;

        // Without a traceparent the run is a trace of its own, whatever the reader of the stream runs under.
        Activity.Current = null;
        var span = source.StartActivity(name, ActivityKind.Consumer, parent, TaskRunAttributes.Of(action, workerId, options));
        Activity.Current = previous;
        if (span is not null)
        {
            TaskRunSource.Mark(span, ProtoFields.String(action, 2), taskRunId);
            Open[taskRunId] = span;
            Logs.TaskRunOfSpan.Attach(span, taskRunId, ProtoFields.Int32(action, 13) ?? 0);
        }

        return span;
    }

    /// <summary>A cancel of the engine: a span of its own, begun and ended at once, as Python's wraps its cancel handler.</summary>
    public static void Cancelled(string taskRunId)
    {
        var source = HatchetActivitySource.Source;
        if (!source.HasListeners())
        {
            return;
        }

        var previous = Activity.Current;
        Activity.Current = null;
        source.StartActivity(CancelStepRun, ActivityKind.Consumer, default(ActivityContext), TaskRunAttributes.OfCancel(taskRunId))?.Stop();
        Activity.Current = previous;
    }

    public static void Started(Activity? span) => span?.AddEvent(new ActivityEvent(StartedEvent));

    /// <summary>
    /// A failed run's span gets the <c>exception</c> event and the error status Python gives it, read from what the
    /// worker sent as the failure (<see cref="TaskRunFailure"/>).
    /// </summary>
    public static void Failing(string taskRunId, IMessage failedEvent, bool batchItem)
    {
        if (!Open.TryGetValue(taskRunId, out var span))
        {
            return;
        }

        if (TaskRunFailure.Read(DispatcherMessages.EventPayload(failedEvent, batchItem)) is { } failure)
        {
            span.AddEvent(failure.Event());
            span.SetStatus(ActivityStatusCode.Error, failure.Description);
        }
        else
        {
            span.SetStatus(ActivityStatusCode.Error, TaskRunOutcome.Failed);
        }
    }

    public static void End(Activity? span, string taskRunId, string outcome)
    {
        DurableSpans.RunEnded(taskRunId, outcome);
        if (span is null)
        {
            return;
        }

        Open.TryRemove(new KeyValuePair<string, Activity>(taskRunId, span));
        if (outcome == TaskRunOutcome.Failed && span.Status != ActivityStatusCode.Error)
        {
            span.SetStatus(ActivityStatusCode.Error, TaskRunOutcome.Failed);
        }

        // Stop makes the span's parent current; the thread that ends it keeps what it had.
        var previous = Activity.Current;
        span.Stop();
        if (previous != span)
        {
            Activity.Current = previous;
        }
    }

    /// <summary>
    /// The parent of a durable task's span (<see cref="DurableSpans"/>), as Python's: the <c>traceparent</c> in the
    /// run's <c>additional_metadata</c> (<c>context=_parse_carrier_from_metadata(instance.action.additional_metadata)</c>,
    /// instrumentor.py lines 1155, 1173, 1193, 1238), the parent of the run's own span. Without one Python's span is a
    /// child of the task's current span; here that is the current span when it is the run's or under it (the task joined
    /// its run's trace), else the run's span, and the current span, whatever it is, when the run has no span.
    /// </summary>
    public static ActivityContext DurableParent(string taskRunId)
    {
        if (!Open.TryGetValue(taskRunId, out var run))
        {
            return default;
        }

        // A run's span is begun with no current span: a parent it has came from its metadata.
        if (run.ParentSpanId != default)
        {
            return new ActivityContext(run.TraceId, run.ParentSpanId, run.ActivityTraceFlags, run.TraceStateString, isRemote: true);
        }

        for (var current = Activity.Current; current is not null; current = current.Parent)
        {
            if (current == run)
            {
                return default;
            }
        }

        return run.Context;
    }

    /// <summary>Makes the run's span current for the caller's flow until disposed; nothing when the run has none.</summary>
    public static IDisposable Join(string taskRunId)
    {
        if (!Open.TryGetValue(taskRunId, out var span))
        {
            return Joined.Nothing;
        }

        var joined = new Joined(Activity.Current);
        Activity.Current = span;
        return joined;
    }

    private sealed class Joined(Activity? previous) : IDisposable
    {
        public static readonly IDisposable Nothing = new Joined(null) { disposed = true };

        private bool disposed;

        public void Dispose()
        {
            if (!this.disposed)
            {
                this.disposed = true;
                Activity.Current = previous;
            }
        }
    }
}
