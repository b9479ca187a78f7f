using System.Diagnostics;
using OpenTelemetry.Hatchet.Metrics;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet.Status;

/// <summary>
/// The task runs the worker holds, from their assignment on the listen stream to their end: what the Python
/// SDK's third rule (runs waiting to start) and the free slots are computed from.
/// </summary>
/// <remarks>
/// <para>
/// A run holds a slot from its assignment until it ends or gives its slot back (<c>ReleaseSlot</c>). Ends come
/// from the worker's events (<c>COMPLETED</c>, <c>FAILED</c>, <c>CANCELLED</c>) or from the engine's
/// <c>CANCEL_STEP_RUN</c>, after which a worker may send nothing more. When no end comes, one is inferred:
/// a run assigned again under the same id ends the earlier one, and when <c>capacity</c> runs are
/// tracked the oldest is dropped; both end with the outcome <c>unknown</c>. So a worker that never reports an
/// end costs a bounded amount of memory (about 200 B a run).
/// </para>
/// <para>
/// The third rule's clock is the Python SDK's (<c>sdks/python/hatchet_sdk/worker/action_listener_process.py</c>,
/// <c>start_blocked_main_loop</c>, lines 369-388 at upstream 89d130f): at each <see cref="Tick"/>, once a second,
/// if any run has waited more than <see cref="StartGrace"/> to start, a "blocked since" clock starts or keeps
/// going; at a tick where none has, it clears. So runs that each wait a little over a second, one after another,
/// keep the clock going although no single run waited long.
/// </para>
/// <para>Thread-safe. Times are <see cref="TimeProvider"/> timestamps.</para>
/// </remarks>
internal sealed class TaskRuns(TimeProvider time, int capacity = TaskRuns.DefaultCapacity)
{
    /// <summary>Far more runs than any worker has slots, and still only a few megabytes.</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>How long a run may wait to start before the worker counts as blocked (the Python SDK's 1 s).</summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Run> runs = new(StringComparer.Ordinal);
    private readonly LinkedList<Run> byAssignment = new();
    private readonly LinkedList<Run> waiting = new();
    private int holdingSlots;
    private long? blockedSince;

    /// <summary>Gets the number of runs that hold a slot.</summary>
    public int HoldingSlots => Volatile.Read(ref this.holdingSlots);

    /// <summary>Gets the number of runs tracked.</summary>
    public int Count
    {
        get
        {
            lock (this.gate)
            {
                return this.runs.Count;
            }
        }
    }

    /// <summary>Gets the number of runs assigned and not yet started.</summary>
    public int Waiting
    {
        get
        {
            lock (this.gate)
            {
                return this.waiting.Count;
            }
        }
    }

    /// <summary>Gets how long the "blocked since" clock has been going, or <see langword="null"/> when it is not.</summary>
    public TimeSpan? BlockedFor
    {
        get
        {
            lock (this.gate)
            {
                return this.blockedSince is { } since ? time.GetElapsedTime(since) : null;
            }
        }
    }

    /// <summary>
    /// One tick of the third rule's clock: counts the runs that have waited more than <see cref="StartGrace"/> to
    /// start, starts the clock if any has and it is not going, and clears it if none has.
    /// </summary>
    /// <returns>How many runs have waited too long when this tick started the clock, 0 when it cleared it, or <see langword="null"/> when the clock did not change.</returns>
    public int? Tick()
    {
        lock (this.gate)
        {
            // The waiting list is in the order of assignment: the runs that waited too long come first.
            var count = 0;
            for (var node = this.waiting.First; node is not null && time.GetElapsedTime(node.Value.AssignedAt) > StartGrace; node = node.Next)
            {
                count++;
            }

            if (count > 0 && this.blockedSince is null)
            {
                this.blockedSince = time.GetTimestamp();
                return count;
            }

            if (count == 0 && this.blockedSince is not null)
            {
                this.blockedSince = null;
                return 0;
            }

            return null;
        }
    }

    // Instruments are recorded, and spans ended, after the lock is let go: a listener runs its own code there.
    public void Assigned(string id, string action, TaskRunInstruments? instruments, Activity? span = null)
    {
        RunEnd? ended = null;
        lock (this.gate)
        {
            if (this.runs.TryGetValue(id, out var earlier))
            {
                ended = this.End(earlier, TaskRunOutcome.Unknown);
            }
            else if (this.runs.Count >= capacity && this.byAssignment.First is { } oldest)
            {
                ended = this.End(oldest.Value, TaskRunOutcome.Unknown);
            }

            var run = span is null ? new Run(id, action, time.GetTimestamp()) : new TracedRun(id, action, time.GetTimestamp(), span);
            run.AssignmentNode = this.byAssignment.AddLast(run);
            run.WaitingNode = this.waiting.AddLast(run);
            this.runs.Add(id, run);
            Interlocked.Increment(ref this.holdingSlots);
            run.HoldsSlot = true;
        }

        ended?.RecordIn(instruments);
    }

    public void Started(string id, TaskRunInstruments? instruments)
    {
        string action;
        TimeSpan waited;
        Activity? span;
        lock (this.gate)
        {
            if (!this.runs.TryGetValue(id, out var run) || run.WaitingNode is not { } node)
            {
                return;
            }

            this.waiting.Remove(node);
            run.WaitingNode = null;
            run.StartedAt = time.GetTimestamp();
            (action, waited, span) = (run.Action, time.GetElapsedTime(run.AssignedAt, run.StartedAt.Value), (run as TracedRun)?.Span);
        }

        instruments?.Started(action, waited);
        TaskRunSpans.Started(span);
    }

    public void Ended(string id, string outcome, TaskRunInstruments? instruments)
    {
        RunEnd? ended = null;
        lock (this.gate)
        {
            if (this.runs.TryGetValue(id, out var run))
            {
                ended = this.End(run, outcome);
            }
        }

        ended?.RecordIn(instruments);
    }

    public void SlotReleased(string id)
    {
        lock (this.gate)
        {
            if (this.runs.TryGetValue(id, out var run))
            {
                this.ReleaseSlot(run);
            }
        }
    }

    private RunEnd End(Run run, string outcome)
    {
        this.runs.Remove(run.Id);
        this.byAssignment.Remove(run.AssignmentNode!);
        if (run.WaitingNode is { } node)
        {
            this.waiting.Remove(node);
        }

        this.ReleaseSlot(run);
        return new RunEnd(run.Id, run.Action, outcome, run.StartedAt is { } started ? time.GetElapsedTime(started) : null, (run as TracedRun)?.Span);
    }

    private void ReleaseSlot(Run run)
    {
        if (run.HoldsSlot)
        {
            run.HoldsSlot = false;
            Interlocked.Decrement(ref this.holdingSlots);
        }
    }

    /// <summary>A run's end, recorded once the lock is let go.</summary>
    private readonly record struct RunEnd(string Id, string Action, string Outcome, TimeSpan? Duration, Activity? Span)
    {
        public void RecordIn(TaskRunInstruments? instruments)
        {
            instruments?.Ended(this.Action, this.Outcome, this.Duration);
            TaskRunSpans.End(this.Span, this.Id, this.Outcome);
        }
    }

    private class Run(string id, string action, long assignedAt)
    {
        public string Id { get; } = id;

        public string Action { get; } = action;

        public long AssignedAt { get; } = assignedAt;

        public long? StartedAt { get; set; }

        public bool HoldsSlot { get; set; }

        public LinkedListNode<Run>? AssignmentNode { get; set; }

        public LinkedListNode<Run>? WaitingNode { get; set; }
    }

    /// <summary>A run with a span: a class of its own, so that a run without one costs not a byte more.</summary>
    private sealed class TracedRun(string id, string action, long assignedAt, Activity span) : Run(id, action, assignedAt)
    {
        public Activity Span { get; } = span;
    }
}
