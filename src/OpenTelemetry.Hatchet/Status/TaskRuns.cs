using OpenTelemetry.Hatchet.Metrics;

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
/// a run assigned again under the same id ends the earlier one, and when <see cref="Capacity"/> runs are
/// tracked the oldest is dropped; both end with the outcome <c>unknown</c>. So a worker that never reports an
/// end costs a bounded amount of memory (about 200 B a run).
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

    public int Capacity => capacity;

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

    /// <summary>
    /// Gets how long the worker has been blocked: how long ago the run waiting longest to start passed
    /// <see cref="StartGrace"/>, or <see langword="null"/> if none has waited that long.
    /// </summary>
    public TimeSpan? BlockedFor
    {
        get
        {
            lock (this.gate)
            {
                var blocked = this.waiting.First is { } oldest ? time.GetElapsedTime(oldest.Value.AssignedAt) - StartGrace : TimeSpan.Zero;
                return blocked > TimeSpan.Zero ? blocked : null;
            }
        }
    }

    public void Assigned(string id, string action, TaskRunInstruments? instruments)
    {
        lock (this.gate)
        {
            if (this.runs.TryGetValue(id, out var earlier))
            {
                this.End(earlier, TaskRunOutcome.Unknown, instruments);
            }
            else if (this.runs.Count >= capacity && this.byAssignment.First is { } oldest)
            {
                this.End(oldest.Value, TaskRunOutcome.Unknown, instruments);
            }

            var run = new Run(id, action, time.GetTimestamp());
            run.AssignmentNode = this.byAssignment.AddLast(run);
            run.WaitingNode = this.waiting.AddLast(run);
            this.runs.Add(id, run);
            Interlocked.Increment(ref this.holdingSlots);
            run.HoldsSlot = true;
        }
    }

    public void Started(string id, TaskRunInstruments? instruments)
    {
        lock (this.gate)
        {
            if (this.runs.TryGetValue(id, out var run) && run.WaitingNode is { } node)
            {
                this.waiting.Remove(node);
                run.WaitingNode = null;
                run.StartedAt = time.GetTimestamp();
                instruments?.Started(run.Action, time.GetElapsedTime(run.AssignedAt, run.StartedAt.Value));
            }
        }
    }

    public void Ended(string id, string outcome, TaskRunInstruments? instruments)
    {
        lock (this.gate)
        {
            if (this.runs.TryGetValue(id, out var run))
            {
                this.End(run, outcome, instruments);
            }
        }
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

    private void End(Run run, string outcome, TaskRunInstruments? instruments)
    {
        this.runs.Remove(run.Id);
        this.byAssignment.Remove(run.AssignmentNode!);
        if (run.WaitingNode is { } node)
        {
            this.waiting.Remove(node);
        }

        this.ReleaseSlot(run);
        instruments?.Ended(run.Action, outcome, run.StartedAt is { } started ? time.GetElapsedTime(started) : null);
    }

    private void ReleaseSlot(Run run)
    {
        if (run.HoldsSlot)
        {
            run.HoldsSlot = false;
            Interlocked.Decrement(ref this.holdingSlots);
        }
    }

    private sealed class Run(string id, string action, long assignedAt)
    {
        public string Id { get; } = id;

        public string Action { get; } = action;

        public long AssignedAt { get; } = assignedAt;

        public long? StartedAt { get; set; }

        public bool HoldsSlot { get; set; }

        public LinkedListNode<Run>? AssignmentNode { get; set; }

        public LinkedListNode<Run>? WaitingNode { get; set; }
    }
}
