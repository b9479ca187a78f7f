namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>
/// Starves the thread pool with work items that block until released. Disposing releases them and waits
/// until every one has run, so that none is still queued behind the test and touches its disposed gate.
/// </summary>
internal sealed class PoolStarvation : IDisposable
{
    private readonly ManualResetEventSlim release = new();
    private readonly CountdownEvent finished;
    private readonly TimeSpan longest;

    private PoolStarvation(int workItems, TimeSpan longest)
    {
        this.longest = longest;
        this.finished = new CountdownEvent(workItems);
        for (var i = 0; i < workItems; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static state =>
                {
                    state.release.Wait(state.longest);
                    state.finished.Signal();
                },
                this,
                preferLocal: false);
        }
    }

    /// <summary>
    /// Queues <paramref name="workItems"/> items that block until <see cref="Release"/> or for <paramref name="longest"/>
    /// (60 s by default); the calling test must not await until it releases them.
    /// </summary>
    public static PoolStarvation Start(int workItems, TimeSpan? longest = null) => new(workItems, longest ?? TimeSpan.FromSeconds(60));

    /// <summary>Lets the blocking items end; the pool recovers as it runs them.</summary>
    public void Release() => this.release.Set();

    public void Dispose()
    {
        this.release.Set();
        if (!this.finished.Wait(this.longest + TimeSpan.FromSeconds(30)))
        {
            // Not disposed: a blocking item still to run would find the events disposed and end the process.
            return;
        }

        this.finished.Dispose();
        this.release.Dispose();
    }
}
