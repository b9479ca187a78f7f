using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>A worker's status owner on a fake clock, with its host already started, for the time-bound rules.</summary>
internal sealed class ClockedHealth
{
    public ClockedHealth(Action<HatchetWorkerMetricsOptions>? configure = null)
    {
        var options = new HatchetWorkerMetricsOptions();
        configure?.Invoke(options);
        this.Health = new HatchetWorkerHealth(new Logger<HatchetWorkerHealth>(new LoggerFactory([this.Logs])), () => options, this.Time);
        this.Health.ReportHostStatus(HatchetWorkerStatus.Healthy, "the host has started");
    }

    public FakeTimeProvider Time { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public HatchetWorkerHealth Health { get; }

    public HatchetWorkerStatus Status => this.Health.Status;

    public string Reason => this.Health.Evaluate().Reason;

    public void Advance(double seconds) => this.Time.Advance(TimeSpan.FromSeconds(seconds));
}
