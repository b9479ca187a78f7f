using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// Counts the task-log records that never reach the engine (<c>hatchet.task_logs.dropped</c> on the package's meter,
/// by <c>reason</c>), and says so in the application's log once per outage: at the first drop after a record
/// reached the engine, and again when one reaches it, with how many were lost between. Never once per record.
/// </summary>
internal sealed class TaskLogDrops
{
    public const string InstrumentName = "hatchet.task_logs.dropped";

    /// <summary>The queue was full when the task wrote the record.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>The engine answered the record's call with an error, or did not answer in time.</summary>
    public const string Refused = "refused";

    /// <summary>The engine answered <c>UNIMPLEMENTED</c> a short while ago, so nothing is sent for now.</summary>
    public const string Paused = "paused";

    /// <summary>The record's message could not be read (a value whose formatting threw).</summary>
    public const string Unreadable = "unreadable";

    /// <summary>The host stopped before the record could be sent.</summary>
    public const string Shutdown = "shutdown";

    private readonly Counter<long> dropped;
    private readonly Func<ILogger?> logger;
    private long inOutage;
    private int outage;

    public TaskLogDrops(Meter meter, Func<ILogger?> logger)
    {
        this.dropped = meter.CreateCounter<long>(InstrumentName, "{record}", "Task-run log records not sent to the Hatchet engine, by reason.");
        this.logger = logger;
    }

    public void Drop(string reason, string detail, long count = 1)
    {
        if (count <= 0)
        {
            return;
        }

        this.dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
        Interlocked.Add(ref this.inOutage, count);
        if (Interlocked.Exchange(ref this.outage, 1) == 0)
        {
            this.Say(log => Log.TaskLogsDropped(log, reason, detail));
        }
    }

    /// <summary>Writes a line to the application's log; a logger that throws must not fail the task that dropped a record, or the sender.</summary>
    public void Say(Action<ILogger> write)
    {
        try
        {
            if (this.logger() is { } log)
            {
                write(log);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Nothing to do: the line was only ever a courtesy.
        }
    }

    /// <summary>A record reached the engine: an outage, if there was one, is over.</summary>
    public void Delivered()
    {
        if (Volatile.Read(ref this.outage) == 1 && Interlocked.Exchange(ref this.outage, 0) == 1)
        {
            var lost = Interlocked.Exchange(ref this.inOutage, 0);
            this.Say(log => Log.TaskLogsDelivered(log, lost));
        }
    }
}
