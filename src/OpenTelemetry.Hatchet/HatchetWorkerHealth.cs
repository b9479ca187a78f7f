using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Hatchet.Status;

namespace OpenTelemetry.Hatchet;

/// <summary>
/// The one owner of a Hatchet worker's status. The host's lifecycle and the worker's own code report
/// to it; the <c>hatchet_worker_*</c> gauges and the <c>/health</c> endpoint only read it.
/// </summary>
/// <remarks>
/// Resolve it from dependency injection after calling <c>WithHatchetWorkerMetrics()</c>. Every member is
/// thread-safe, and reading <see cref="Status"/> or <see cref="Description"/> allocates nothing.
/// The status is the worst of what the host and the worker report: a stopping host makes the worker
/// <see cref="HatchetWorkerStatus.Unhealthy"/> whatever the worker says, and a worker that reports
/// nothing follows the host.
/// </remarks>
public sealed class HatchetWorkerHealth
{
    private readonly Lock gate = new();
    private readonly ILogger logger;

    private StatusReport host = new(HatchetWorkerStatus.Initialized, "the host has not started yet");
    private StatusReport? worker;
    private int status = (int)HatchetWorkerStatus.Initialized;
    private HatchetWorkerDescription? description;

    internal HatchetWorkerHealth(ILogger<HatchetWorkerHealth>? logger = null)
    {
        this.logger = logger ?? NullLogger<HatchetWorkerHealth>.Instance;
    }

    /// <summary>Gets the worker's current status.</summary>
    public HatchetWorkerStatus Status => (HatchetWorkerStatus)Volatile.Read(ref this.status);

    /// <summary>Gets what the worker last said about itself, or <see langword="null"/> if it has not.</summary>
    public HatchetWorkerDescription? Description => Volatile.Read(ref this.description);

    /// <summary>
    /// Reports the worker's own view of its status, for example <see cref="HatchetWorkerStatus.Unhealthy"/>
    /// when its connection to the Hatchet engine is lost and <see cref="HatchetWorkerStatus.Healthy"/> when
    /// it is back.
    /// </summary>
    /// <param name="status">The status the worker reports.</param>
    /// <param name="reason">Why, in a few words; it is logged when the status changes.</param>
    public void ReportStatus(HatchetWorkerStatus status, string? reason = null)
    {
        ValidateStatus(status);
        this.Update(() => this.worker = new StatusReport(status, reason ?? $"the worker reported {status}"));
    }

    /// <summary>Publishes what the worker says about itself: its name, slots, actions and labels.</summary>
    /// <param name="description">The worker's description.</param>
    public void Describe(HatchetWorkerDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentException.ThrowIfNullOrWhiteSpace(description.Name, nameof(description));
        Volatile.Write(ref this.description, description);
    }

    internal void ReportHostStatus(HatchetWorkerStatus status, string reason)
        => this.Update(() => this.host = new StatusReport(status, reason));

    private static void ValidateStatus(HatchetWorkerStatus status)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Not a HatchetWorkerStatus value.");
        }
    }

    private void Update(Action record)
    {
        HatchetWorkerStatus previous;
        StatusReport current;
        lock (this.gate)
        {
            previous = (HatchetWorkerStatus)this.status;
            record();
            current = StatusReport.Worst(this.host, this.worker);
            Volatile.Write(ref this.status, (int)current.Status);
        }

        if (previous != current.Status)
        {
            Log.StatusChanged(this.logger, current.Status == HatchetWorkerStatus.Unhealthy ? LogLevel.Warning : LogLevel.Information, previous, current.Status, current.Reason);
        }
    }
}
