using System.Diagnostics;

namespace StarvationProbe;

/// <summary>
/// Probes one path at a fixed interval from a dedicated thread, one probe at a time, and keeps every result.
/// </summary>
/// <remarks>
/// A dedicated thread, not a timer or a task, because the thread pool is what the measurement starves.
/// A probe that takes longer than the interval delays the next one; the missed ticks are skipped rather
/// than fired in a burst, so the server never has more than one probe of this path in flight.
/// </remarks>
internal sealed class ProbeThread : IDisposable
{
    private readonly Func<ProbeResult> probe;
    private readonly TimeSpan interval;
    private readonly List<ProbeResult> results = [];
    private readonly Lock gate = new();
    private readonly ManualResetEventSlim stopping = new();
    private readonly Thread thread;

    public ProbeThread(string name, Func<ProbeResult> probe, TimeSpan interval)
    {
        this.probe = probe;
        this.interval = interval;
        this.thread = new Thread(this.Run) { IsBackground = true, Name = name };
    }

    public void Start() => this.thread.Start();

    public IReadOnlyList<ProbeResult> Results()
    {
        lock (this.gate)
        {
            return [.. this.results];
        }
    }

    /// <summary>Stops after the probe in flight, if any, and waits for it; the results stay readable.</summary>
    public void Dispose()
    {
        this.stopping.Set();
        if (this.thread.IsAlive)
        {
            this.thread.Join();
        }
    }

    private void Run()
    {
        var next = Stopwatch.GetTimestamp();
        var step = (long)(this.interval.TotalSeconds * Stopwatch.Frequency);
        while (!this.stopping.IsSet)
        {
            var result = this.probe();
            lock (this.gate)
            {
                this.results.Add(result);
            }

            next += step;
            var now = Stopwatch.GetTimestamp();
            if (next < now)
            {
                next = now;
            }

            this.stopping.Wait(Stopwatch.GetElapsedTime(now, next));
        }
    }
}
