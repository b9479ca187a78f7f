using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Status;

/// <summary>
/// Ticks the third rule's clock once a second, as the Python SDK's <c>start_blocked_main_loop</c> does
/// (<c>sdks/python/hatchet_sdk/worker/action_listener_process.py</c> line 388 at upstream 89d130f:
/// <c>await asyncio.sleep(1)</c>): see <see cref="TaskRuns.Tick"/>.
/// </summary>
internal sealed class TaskRunStartMonitor(HatchetWorkerHealth health, TimeProvider time, ILogger<TaskRunStartMonitor> logger) : IHostedService, IDisposable
{
    /// <summary>The Python SDK's tick.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private ITimer? timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        this.timer ??= time.CreateTimer(static state => ((TaskRunStartMonitor)state!).Tick(), this, TickInterval, TickInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        this.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        this.timer?.Dispose();
        this.timer = null;
    }

    private void Tick()
    {
        try
        {
            health.TickTaskRuns();
        }
        catch (Exception exception)
        {
            // Nothing may escape a timer callback: it would end the process.
            Log.MonitorFailed(logger, exception);
        }
    }
}
