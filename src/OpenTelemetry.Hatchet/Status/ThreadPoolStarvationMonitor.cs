using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Status;

/// <summary>
/// Measures how long work queued to the .NET thread pool waits before it runs, and reports it to
/// <see cref="HatchetWorkerHealth"/>: the .NET form of the Python SDK's blocked event loop.
/// </summary>
/// <remarks>
/// The measuring runs on a dedicated thread, not on the pool it measures, so a starved pool cannot
/// silence it. Each probe is one work item; while it waits, the lag reported is how long it has waited so
/// far, so a starved pool is seen as soon as the threshold passes rather than when the probe finally runs.
/// It reads the host's <see cref="TimeProvider"/> but waits on its own thread, never on that provider's timers,
/// which run on the pool.
/// </remarks>
internal sealed class ThreadPoolStarvationMonitor(HatchetWorkerHealth health, TimeProvider time, ILogger<ThreadPoolStarvationMonitor> logger) : IHostedService, IDisposable
{
    // Probing twice a second costs one work item each time and bounds how late a change is seen.
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);

    private readonly ManualResetEventSlim probeRan = new();
    private readonly ManualResetEventSlim stopping = new();
    private Thread? thread;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        this.stopping.Reset();
        this.thread = new Thread(this.Run) { IsBackground = true, Name = "Hatchet thread-pool monitor" };
        this.thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        this.Stop();
        return Task.CompletedTask;
    }

    // The events are not disposed: a probe still queued when the host stops runs later and sets its event.
    public void Dispose() => this.Stop();

    private void Stop()
    {
        if (this.thread is { } running)
        {
            this.stopping.Set();
            running.Join();
            this.thread = null;
        }
    }

    private void Run()
    {
        while (!this.stopping.IsSet)
        {
            try
            {
                this.ProbeOnce();
            }
            catch (Exception exception)
            {
                // Nothing may escape a dedicated thread: it would end the process.
                Log.MonitorFailed(logger, exception);
            }

            this.stopping.Wait(ProbeInterval);
        }
    }

    private void ProbeOnce()
    {
        this.probeRan.Reset();
        var queued = time.GetTimestamp();
        ThreadPool.UnsafeQueueUserWorkItem(static ran => ran.Set(), this.probeRan, preferLocal: false);

        // Until the probe runs, how long it has waited so far is the lag; it can only grow.
        while (!this.probeRan.Wait(ProbeInterval))
        {
            health.ReportThreadPoolLag(time.GetElapsedTime(queued));
            if (this.stopping.IsSet)
            {
                return;
            }
        }

        health.ReportThreadPoolLag(time.GetElapsedTime(queued));
    }
}
