using System.Diagnostics;
using Google.Protobuf;
using OpenTelemetry.Hatchet.Dispatcher;
using OpenTelemetry.Hatchet.Metrics;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// The spans of what a durable task asks of the engine on the durable-task stream, as the Python SDK's instrumentor
/// makes them: <c>hatchet.durable.wait_for</c> around a wait (<c>_wrap_aio_wait_for</c>, instrumentor.py lines
/// 1143-1180 at upstream 89d130f) and <c>hatchet.run_workflow</c> or <c>hatchet.run_workflows</c> around a spawn of
/// children (<c>_wrap_spawn_children_no_wait</c>, lines 1182-1245), each begun when the worker writes its request and
/// ended when the engine's answer ends Python's call.
/// </summary>
/// <remarks>
/// <para>
/// A spawn's call returns with the engine's <c>trigger_runs_ack</c> (<c>context/context.py</c> lines 1044-1071;
/// <c>durable_event_listener.py</c> 400-421). A wait's returns once its log entry is satisfied: the engine first
/// acknowledges it with the entry's <c>wait_for_ack</c>, then sends <c>entry_completed</c> for that entry
/// (context.py lines 880-906; durable_event_listener.py 440-471; the engine's <c>handleWaitFor</c>,
/// <c>internal/services/dispatcher/server_v1.go</c> lines 1207-1221).
/// </para>
/// <para>
/// A span fails, as Python's call raises, on the engine's <c>error</c> for its invocation or entry (listener lines
/// 495-545), when its invocation is evicted (lines 482-494, 689-719), and, while not yet acknowledged, when the
/// stream it was written on ends (lines 356-391: Python fails the acks it waits for and keeps the entries, whose
/// completion a new stream brings). A run's spans still open when the run ends end with it. At most
/// <see cref="MaxOpen"/> are open; beyond that a request is sent untraced.
/// </para>
/// </remarks>
internal static class DurableSpans
{
    /// <summary>The most durable spans open at once, as many as the task runs tracked.</summary>
    internal const int MaxOpen = 10_000;

    private static readonly Lock Gate = new();

    // Requests written and not yet acknowledged, by invocation (Python keys its pending acks the same way).
    private static readonly Dictionary<DurableInvocation, Written> Unacknowledged = [];

    // Waits acknowledged, by the log entry whose completion ends them.
    private static readonly Dictionary<DurableEntry, Activity> Waiting = [];

    // Unacknowledged.Count + Waiting.Count, read without the lock so that a stream with nothing traced costs a read.
    private static int open;

    /// <summary>Gets the number of durable spans open.</summary>
    internal static int Open => Volatile.Read(ref open);

    /// <summary>
    /// Starts the span of a wait or a spawn the worker is writing. Returns the request to send in its place (a
    /// spawn's copy whose children's <c>additional_metadata</c> carries the span's traceparent), or
    /// <see langword="null"/> to send the worker's own.
    /// </summary>
    public static TRequest? Writing<TRequest>(TRequest request, object stream, HatchetInstrumentationOptions options)
        where TRequest : class
    {
        if (!HatchetActivitySource.Source.HasListeners() || request is not IMessage message)
        {
            return null;
        }

        if (DurableTaskMessages.WaitFor(message) is { } wait)
        {
            if (DurableTaskMessages.InvocationOf(wait) is { } waiting)
            {
                Start(SpanNames.DurableWaitFor, ActivityKind.Internal, waiting, DurableSpanAttributes.WaitFor(wait, waiting.TaskRunId, options), stream, isWait: true);
            }

            return null;
        }

        if (DurableTaskMessages.TriggerRuns(message) is { } spawn && DurableTaskMessages.InvocationOf(spawn) is { } spawning)
        {
            var (name, attributes) = DurableSpanAttributes.Spawn(spawn, options);
            if (Start(name, ActivityKind.Producer, spawning, attributes, stream, isWait: false) is { } span && TracedCall.TraceParentOf(span) is { } traceParent)
            {
                return WithTraceParent(request, traceParent);
            }
        }

        return null;
    }

    /// <summary>An answer of the engine on a durable-task stream: ends the spans it ends.</summary>
    public static void Received(IMessage response)
    {
        if (Open == 0)
        {
            return;
        }

        if (DurableTaskMessages.TriggerRunsAck(response) is { } spawned)
        {
            End(Acknowledged(spawned, isWait: false), failure: null);
        }
        else if (DurableTaskMessages.WaitForAck(response) is { } entry)
        {
            End(Acknowledged(entry), failure: null);
        }
        else if (DurableTaskMessages.EntryCompleted(response) is { } completed)
        {
            // Python's wait returns the entry's payload whatever is_failure says (context.py line 906).
            End(Completed(completed), failure: null);
        }
        else if (DurableTaskMessages.Error(response) is { } error)
        {
            var description = ErrorDescription(error.Entry, error.Type, error.Message);
            End(Failed(error.Entry), description);
        }
        else if (DurableTaskMessages.Evicted(response) is { } evicted)
        {
            var description = string.IsNullOrEmpty(evicted.Reason) ? TaskRunOutcome.Evicted : $"{TaskRunOutcome.Evicted}: {evicted.Reason}";
            End(Take(invocation => invocation.TaskRunId == evicted.Invocation.TaskRunId && invocation.Count <= evicted.Invocation.Count), description);
        }
    }

    /// <summary>A durable-task stream ended: what was written on it and not acknowledged fails.</summary>
    public static void StreamEnded(object stream, Exception? failure)
    {
        if (Open == 0)
        {
            return;
        }

        List<Activity> ended = [];
        lock (Gate)
        {
            foreach (var (invocation, written) in Unacknowledged.ToArray())
            {
                if (ReferenceEquals(written.Stream, stream))
                {
                    Unacknowledged.Remove(invocation);
                    ended.Add(written.Span);
                }
            }

            Counted();
        }

        foreach (var span in ended)
        {
            if (failure is not null)
            {
                span.AddException(failure);
            }

            // Python's ConnectionResetError for a stream that ended without an error (durable_event_listener.py line 361).
            Stop(span, failure is null ? "durable stream disconnected" : HatchetDispatcherInterceptor.Describe(failure));
        }
    }

    /// <summary>A task run ended: its durable spans still open end with it, failed unless the run completed.</summary>
    public static void RunEnded(string taskRunId, string outcome)
    {
        if (Open == 0)
        {
            return;
        }

        End(Take(invocation => invocation.TaskRunId == taskRunId), outcome is TaskRunOutcome.Completed or TaskRunOutcome.Unknown ? null : outcome);
    }

    // Python's exception for the engine's error (durable_event_listener.py lines 499-516; NonDeterminismError,
    // exceptions.py lines 8-25, whose text adds a second line, a link to the SDK's documentation, left off here).
    private static string ErrorDescription(DurableEntry entry, int type, string message) => type == DurableTaskMessages.NonDeterminism
        ? message.Length > 0 ? message : $"Non-determinism detected in task {entry.Invocation.TaskRunId} on invocation {entry.Invocation.Count} at node {entry.Node}"
        : $"Unspecified durable task error: {message} (type: {type})";

    private static Activity? Start(string name, ActivityKind kind, DurableInvocation invocation, List<KeyValuePair<string, object?>> attributes, object stream, bool isWait)
    {
        if (Open >= MaxOpen)
        {
            return null;
        }

        var parent = TaskRunSpans.DurableParent(invocation.TaskRunId);

        // Begun on the worker's own flow, which keeps its current span: the request is on its way, not the task's work.
        var previous = Activity.Current;
        var span = HatchetActivitySource.Source.StartActivity(name, kind, parent, attributes);
        Activity.Current = previous;
        if (span is null)
        {
            return null;
        }

        Written? superseded;
        lock (Gate)
        {
            // One request of an invocation awaits its ack at a time (Python's send lock, context.py lines 880, 1044);
            // one written before it that never got its ack is given up, as Python's pending ack is replaced.
            Unacknowledged.Remove(invocation, out superseded);
            Unacknowledged[invocation] = new Written(span, stream, isWait);
            Counted();
        }

        if (superseded is not null)
        {
            Stop(superseded.Span, description: null);
        }

        return span;
    }

    // A copy of the spawn request whose children's metadata carry the traceparent, or null to send the worker's own:
    // when no child's metadata is a JSON object, or the request is not the contract's.
    private static TRequest? WithTraceParent<TRequest>(TRequest request, string traceParent)
        where TRequest : class
    {
        if (request is not IDeepCloneable<TRequest> cloneable || cloneable.Clone() is not IMessage copy || DurableTaskMessages.TriggerRuns(copy) is not { } spawn)
        {
            return null;
        }

        var written = false;
        KeyValuePair<string, string>[] members = [new(AdditionalMetadata.TraceParentKey, traceParent)];
        foreach (var child in DurableTaskMessages.Children(spawn))
        {
            switch (child is IMessage one ? MetadataField.Write(one, DurableTaskMessages.ChildMetadataField, members) : MetadataField.Outcome.NoField)
            {
                case MetadataField.Outcome.Written:
                    written = true;
                    break;
                case MetadataField.Outcome.NoField:
                    return null;
            }
        }

        return written ? (TRequest)copy : null;
    }

    // A spawn's ack: its span, taken, to end.
    private static Activity? Acknowledged(DurableInvocation invocation, bool isWait)
    {
        lock (Gate)
        {
            if (!Unacknowledged.TryGetValue(invocation, out var written) || written.IsWait != isWait)
            {
                return null;
            }

            Unacknowledged.Remove(invocation);
            Counted();
            return written.Span;
        }
    }

    // A wait's ack: its span now waits for the entry's completion. Returns a span to end only if it cannot wait.
    private static Activity? Acknowledged(DurableEntry entry)
    {
        lock (Gate)
        {
            if (!Unacknowledged.TryGetValue(entry.Invocation, out var written) || !written.IsWait)
            {
                return null;
            }

            Unacknowledged.Remove(entry.Invocation);
            Waiting.Remove(entry, out var earlier);
            Waiting[entry] = written.Span;
            Counted();
            return earlier;
        }
    }

    private static Activity? Completed(DurableEntry entry)
    {
        lock (Gate)
        {
            Waiting.Remove(entry, out var span);
            Counted();
            return span;
        }
    }

    // The engine's error fails the request awaiting its ack and the wait awaiting its entry, as Python's listener does.
    private static List<Activity> Failed(DurableEntry entry)
    {
        List<Activity> failed = [];
        lock (Gate)
        {
            if (Unacknowledged.Remove(entry.Invocation, out var written))
            {
                failed.Add(written.Span);
            }

            if (Waiting.Remove(entry, out var waiting))
            {
                failed.Add(waiting);
            }

            Counted();
        }

        return failed;
    }

    private static List<Activity> Take(Func<DurableInvocation, bool> which)
    {
        List<Activity> taken = [];
        lock (Gate)
        {
            foreach (var (invocation, written) in Unacknowledged.ToArray())
            {
                if (which(invocation))
                {
                    Unacknowledged.Remove(invocation);
                    taken.Add(written.Span);
                }
            }

            foreach (var (entry, span) in Waiting.ToArray())
            {
                if (which(entry.Invocation))
                {
                    Waiting.Remove(entry);
                    taken.Add(span);
                }
            }

            Counted();
        }

        return taken;
    }

    private static void Counted() => Volatile.Write(ref open, Unacknowledged.Count + Waiting.Count);

    private static void End(Activity? span, string? failure)
    {
        if (span is not null)
        {
            Stop(span, failure);
        }
    }

    private static void End(List<Activity> spans, string? failure)
    {
        foreach (var span in spans)
        {
            Stop(span, failure);
        }
    }

    // Python's set_status(ERROR, str(e)) (instrumentor.py lines 1179, 1244); the thread that ends a span keeps its own
    // current span (Stop makes the span's parent current).
    private static void Stop(Activity span, string? description)
    {
        if (description is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, description);
        }

        var previous = Activity.Current;
        span.Stop();
        Activity.Current = previous;
    }

    private sealed record Written(Activity Span, object Stream, bool IsWait);
}
