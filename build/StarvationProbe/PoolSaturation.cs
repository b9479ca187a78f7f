namespace StarvationProbe;

/// <summary>
/// Saturates the .NET thread pool: work items that each block until <see cref="Release"/>, all queued from
/// the calling thread, as a worker whose tasks block on synchronous I/O would.
/// </summary>
/// <remarks>
/// One signal releases them all at the same instant, so "the end of the saturation" is one moment that the
/// report can time recovery from. Items that had not started by then return at once.
/// </remarks>
internal sealed class PoolSaturation
{
    private readonly object gate = new();
    private bool released;
    private int started;

    public int Started => Volatile.Read(ref this.started);

    public void Queue(int count)
    {
        for (var i = 0; i < count; i++)
        {
            ThreadPool.QueueUserWorkItem(static saturation => saturation.Block(), this, preferLocal: false);
        }
    }

    public void Release()
    {
        lock (this.gate)
        {
            this.released = true;
            Monitor.PulseAll(this.gate);
        }
    }

    private void Block()
    {
        Interlocked.Increment(ref this.started);
        lock (this.gate)
        {
            while (!this.released)
            {
                Monitor.Wait(this.gate);
            }
        }
    }
}
