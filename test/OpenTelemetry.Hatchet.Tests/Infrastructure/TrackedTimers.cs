namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>
/// A clock whose timers are those of another (a fake one, advanced by hand) and are tracked: which are still live,
/// and each one's callback, so a test can run a callback that was already on its way when its timer was disposed,
/// as a real timer's can be (<see cref="ITimer.Dispose"/> does not wait for a callback that has started).
/// </summary>
internal sealed class TrackedTimers(TimeProvider inner) : TimeProvider
{
    private readonly List<TrackedTimer> timers = [];

    /// <summary>Gets how many timers were made and not yet disposed.</summary>
    public int Live => this.timers.Count(timer => !timer.Disposed);

    /// <summary>Gets the timers in the order they were made.</summary>
    public IReadOnlyList<TrackedTimer> Made => this.timers;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(inner.CreateTimer(callback, state, dueTime, period), () => callback(state));
        this.timers.Add(timer);
        return timer;
    }

    /// <summary>One timer, and its callback to run as if it had fired just as it was disposed.</summary>
    internal sealed class TrackedTimer(ITimer inner, Action fire) : ITimer
    {
        public bool Disposed { get; private set; }

        public void FireAsIfAlreadyOnItsWay() => fire();

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            this.Disposed = true;
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            this.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
