using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Hatchet.Status;

namespace OpenTelemetry.Hatchet;

/// <summary>
/// The one owner of a Hatchet worker's status. The host's lifecycle, the thread-pool monitor, the
/// application's tagged health checks and the worker's own code report to it; the <c>hatchet_worker_*</c>
/// gauges and the healthcheck endpoints only read it.
/// </summary>
/// <remarks>
/// <para>
/// Resolve it from dependency injection after calling <c>WithHatchetWorkerMetrics()</c>. Every member is
/// thread-safe, and reading <see cref="Status"/> or <see cref="Description"/> allocates nothing.
/// </para>
/// <para>
/// The status is the worst of what every signal says, as the Python SDK decides it: a stopping host or a
/// worker that is shutting down is <see cref="HatchetWorkerStatus.Unhealthy"/>; so is a thread pool whose
/// queued work has waited for <see cref="HatchetWorkerMetricsOptions.ThreadPoolLagThreshold"/> or longer,
/// and an unhealthy tagged health check. A worker that reports its listener is
/// <see cref="HatchetWorkerStatus.Starting"/> until it connects (<see cref="HatchetWorkerStatus.Unhealthy"/>
/// after <see cref="HatchetWorkerMetricsOptions.ListenerConnectTimeout"/>), and then
/// <see cref="HatchetWorkerStatus.Healthy"/> only while its last heartbeat succeeded less than
/// <see cref="HatchetWorkerMetricsOptions.HeartbeatTimeout"/> ago. A worker that reports nothing follows
/// the host. Every change of status is logged once, with the rule that decided it, by the signal that
/// causes it or, for a change that time alone brings (a heartbeat growing stale), by the thread-pool
/// monitor's thread within half a second; reading the status never logs.
/// </para>
/// <para>
/// <see cref="HatchetDispatcherInterceptor"/> makes the same listener and heartbeat reports from the worker's
/// gRPC client, and adds the Python SDK's third rule with its clock: ticked once a second, a "blocked since"
/// clock runs while at each tick some task run has waited more than 1 s to start, and once it is older than
/// <see cref="HatchetWorkerMetricsOptions.ThreadPoolLagThreshold"/> the worker is
/// <see cref="HatchetWorkerStatus.Unhealthy"/>. An <c>Unsubscribe</c> makes the worker unhealthy until it
/// registers again.
/// </para>
/// </remarks>
public sealed class HatchetWorkerHealth
{
    private static readonly StatusReport ShuttingDown = new(HatchetWorkerStatus.Unhealthy, "the worker is shutting down");
    private static readonly StatusReport Unsubscribed = new(HatchetWorkerStatus.Unhealthy, "the worker unsubscribed from the Hatchet dispatcher");

    private readonly Lock gate = new();
    private readonly ILogger logger;
    private readonly Lazy<Rules> rules;

    private StatusReport host = new(HatchetWorkerStatus.Initialized, "the host has not started yet");
    private StatusReport? worker;
    private StatusReport? healthChecks;
    private bool shuttingDown;
    private bool unsubscribed;
    private long lagTicks;
    private HatchetWorkerStatus published = HatchetWorkerStatus.Initialized;
    private HatchetWorkerDescription? description;

    /// <param name="logger">Where status changes are logged.</param>
    /// <param name="options">
    /// Read on first use, not here: the host validates the options when it starts, and a bad value must be
    /// reported by that validation rather than by the construction of a service.
    /// </param>
    /// <param name="time">The clock of the listener and heartbeat rules.</param>
    internal HatchetWorkerHealth(ILogger<HatchetWorkerHealth>? logger = null, Func<HatchetWorkerMetricsOptions>? options = null, TimeProvider? time = null)
    {
        this.logger = logger ?? NullLogger<HatchetWorkerHealth>.Instance;
        this.Time = time ?? TimeProvider.System;
        this.rules = new(() => new Rules(options?.Invoke() ?? new HatchetWorkerMetricsOptions(), this.Time));
        this.TaskRuns = new TaskRuns(this.Time);
    }

    /// <summary>Gets the worker's current status.</summary>
    public HatchetWorkerStatus Status => this.Evaluate().Status;

    /// <summary>Gets what the worker last said about itself, or <see langword="null"/> if it has not.</summary>
    public HatchetWorkerDescription? Description => Volatile.Read(ref this.description);

    /// <summary>Gets the clock of every time-bound rule.</summary>
    internal TimeProvider Time { get; }

    /// <summary>Gets the task runs the worker holds, as <see cref="HatchetDispatcherInterceptor"/> sees them.</summary>
    internal TaskRuns TaskRuns { get; }

    /// <summary>
    /// Gets the slots still free, published as <c>hatchet_worker_slots</c> as the TypeScript SDK does: the
    /// described slots minus the task runs holding one, never below 0; <see langword="null"/> when no slots are described.
    /// </summary>
    internal int? FreeSlots => this.Description?.Slots is { } slots ? Math.Max(0, slots - this.TaskRuns.HoldingSlots) : null;

    /// <summary>Gets how long the thread-pool monitor's last probe waited, or is still waiting, to run.</summary>
    internal TimeSpan ThreadPoolLag => TimeSpan.FromTicks(Volatile.Read(ref this.lagTicks));

    /// <summary>Gets a value indicating whether queued work has waited at least the threshold: the process is wedged.</summary>
    internal bool IsThreadPoolStarved => this.ThreadPoolLag >= this.rules.Value.LagThreshold;

    /// <summary>
    /// Reports the worker's own view of its status, for example <see cref="HatchetWorkerStatus.Unhealthy"/>
    /// when something it depends on is lost and <see cref="HatchetWorkerStatus.Healthy"/> when it is back.
    /// It counts with every other signal: it cannot make a stopping or starved worker healthy.
    /// </summary>
    /// <param name="status">The status the worker reports.</param>
    /// <param name="reason">Why, in a few words; it is logged when the status changes.</param>
    public void ReportStatus(HatchetWorkerStatus status, string? reason = null)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Not a HatchetWorkerStatus value.");
        }

        this.Update(() => this.worker = new StatusReport(status, reason ?? $"the worker reported {status}"));
    }

    /// <summary>
    /// Reports that the worker has started connecting its listener to the Hatchet dispatcher. From now on the
    /// listener and heartbeat rules apply: the worker is <see cref="HatchetWorkerStatus.Starting"/> until
    /// <see cref="ReportListenerConnected()"/>, and <see cref="HatchetWorkerStatus.Unhealthy"/> if that does not
    /// come within <see cref="HatchetWorkerMetricsOptions.ListenerConnectTimeout"/> of the first attempt: reporting
    /// again while still connecting keeps that clock. After a lost connection the worker stays
    /// <see cref="HatchetWorkerStatus.Unhealthy"/> until it is connected again.
    /// </summary>
    public void ReportListenerConnecting() => this.Update(this.rules.Value.Listener.Connecting);

    /// <summary>Reports that the worker's listener stream to the Hatchet dispatcher is open.</summary>
    public void ReportListenerConnected() => this.Update(this.rules.Value.Listener.Connected);

    /// <summary>
    /// Reports that the worker's listener stream broke; the worker is <see cref="HatchetWorkerStatus.Unhealthy"/>
    /// until it reports <see cref="ReportListenerConnected()"/> or a successful heartbeat.
    /// </summary>
    /// <param name="reason">Why, in a few words; it is logged when the status changes.</param>
    public void ReportListenerDisconnected(string? reason = null)
        => this.Update(() => this.rules.Value.Listener.Disconnected(reason ?? "no reason given"));

    /// <summary>Reports that a heartbeat to the Hatchet dispatcher succeeded.</summary>
    public void ReportHeartbeatSucceeded() => this.Update(this.rules.Value.Listener.HeartbeatSucceeded);

    /// <summary>
    /// Reports that a heartbeat to the Hatchet dispatcher failed; a connected worker is
    /// <see cref="HatchetWorkerStatus.Unhealthy"/> until the next one succeeds.
    /// </summary>
    /// <param name="reason">Why, in a few words; it is logged when the status changes.</param>
    public void ReportHeartbeatFailed(string? reason = null)
        => this.Update(() => this.rules.Value.Listener.HeartbeatFailed(reason ?? "no reason given"));

    /// <summary>Reports that the worker is shutting down: it is <see cref="HatchetWorkerStatus.Unhealthy"/> from now on.</summary>
    public void ReportShuttingDown() => this.Update(() => this.shuttingDown = true);

    /// <summary>Publishes what the worker says about itself: its name, slots, actions and labels.</summary>
    /// <param name="description">The worker's description.</param>
    public void Describe(HatchetWorkerDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentException.ThrowIfNullOrWhiteSpace(description.Name, nameof(description));
        Volatile.Write(ref this.description, description);
    }

    /// <summary>The interceptor's form of <see cref="ReportListenerConnected()"/>, for the stream that carries heartbeats too.</summary>
    internal void ReportListenerConnected(bool streamCarriesHeartbeats)
        => this.Update(() => this.rules.Value.Listener.Connected(streamCarriesHeartbeats));

    /// <summary>
    /// The worker is registering with the dispatcher: the listener rules go to connecting, keeping the clock of a
    /// registration still retrying; a registration after <c>Unsubscribe</c> starts afresh.
    /// </summary>
    internal void ReportRegistering() => this.Update(() =>
    {
        this.rules.Value.Listener.Connecting(afresh: this.unsubscribed);
        this.unsubscribed = false;
    });

    /// <summary>The worker told the dispatcher it is going away: unhealthy until it registers again.</summary>
    internal void ReportUnsubscribed() => this.Update(() => this.unsubscribed = true);

    /// <summary>The dispatcher accepted new or changed labels: they replace those of the same keys.</summary>
    internal void UpsertLabels(IReadOnlyDictionary<string, string> labels)
    {
        lock (this.gate)
        {
            if (this.description is not { } current || labels.Count == 0)
            {
                return;
            }

            var merged = new Dictionary<string, string>(current.Labels, StringComparer.Ordinal);
            foreach (var (key, value) in labels)
            {
                merged[key] = value;
            }

            Volatile.Write(ref this.description, new HatchetWorkerDescription { Name = current.Name, Slots = current.Slots, Actions = current.Actions, Labels = merged });
        }
    }

    /// <summary>One tick of the third rule's clock (see <see cref="TaskRuns.Tick"/>): logs a change of the clock, then publishes.</summary>
    internal void TickTaskRuns()
    {
        switch (this.TaskRuns.Tick())
        {
            case > 0 and var waiting:
                Log.TaskRunsBlocked(this.logger, waiting, TaskRuns.StartGrace.TotalSeconds);
                break;
            case 0:
                Log.TaskRunsUnblocked(this.logger);
                break;
        }

        this.Publish();
    }

    internal void ReportHostStatus(HatchetWorkerStatus status, string reason)
        => this.Update(() => this.host = new StatusReport(status, reason));

    // The monitor reports twice a second, so it is also the thread that notices and logs what time changes.
    internal void ReportThreadPoolLag(TimeSpan lag)
    {
        Volatile.Write(ref this.lagTicks, lag.Ticks);
        this.Publish();
    }

    internal void ReportHealthChecks(StatusReport? report) => this.Update(() => this.healthChecks = report);

    /// <summary>
    /// Decides the status now. A read: it logs nothing, so the gauges, the probes and the health check,
    /// which call it, never write to the log.
    /// </summary>
    internal StatusReport Evaluate()
    {
        lock (this.gate)
        {
            return this.Decide();
        }
    }

    /// <summary>Decides the status now, and logs it if it differs from the one last logged.</summary>
    private void Publish()
    {
        StatusReport current;
        HatchetWorkerStatus previous;
        lock (this.gate)
        {
            current = this.Decide();
            previous = this.published;
            this.published = current.Status;
        }

        if (previous != current.Status)
        {
            var level = current.Status == HatchetWorkerStatus.Unhealthy ? LogLevel.Warning : LogLevel.Information;
            Log.StatusChanged(this.logger, level, previous, current.Status, current.Reason);
        }
    }

    // Combined in the order of the Python SDK's rules, so that the first rule that holds is the reason.
    private StatusReport Decide()
    {
        var current = this.shuttingDown ? ShuttingDown : this.unsubscribed ? Unsubscribed : this.host;
        current = StatusReport.Worse(current, this.IsThreadPoolStarved ? this.rules.Value.Starved : null);
        current = StatusReport.Worse(current, this.TaskRuns.BlockedFor > this.rules.Value.LagThreshold ? this.rules.Value.Blocked : null);
        current = StatusReport.Worse(current, this.healthChecks);
        current = StatusReport.Worse(current, this.rules.Value.Listener.Evaluate());
        return StatusReport.Worse(current, this.worker);
    }

    private void Update(Action record)
    {
        lock (this.gate)
        {
            record();
        }

        this.Publish();
    }

    /// <summary>The time-bound rules, made from the options when first needed.</summary>
    private sealed class Rules(HatchetWorkerMetricsOptions options, TimeProvider time)
    {
        public ListenerSignal Listener { get; } = new(time, options.ListenerConnectTimeout, options.HeartbeatTimeout);

        public TimeSpan LagThreshold { get; } = options.ThreadPoolLagThreshold;

        public StatusReport Starved { get; } = new(
            HatchetWorkerStatus.Unhealthy,
            $"work queued to the .NET thread pool has waited {options.ThreadPoolLagThreshold.TotalSeconds:0.###} s or more (thread-pool starvation)");

        // The Python SDK's third rule: a run waiting over 1 s to start starts a "blocked since" clock.
        public StatusReport Blocked { get; } = new(
            HatchetWorkerStatus.Unhealthy,
            $"task runs have kept waiting more than {TaskRuns.StartGrace.TotalSeconds:0.###} s to start for over {options.ThreadPoolLagThreshold.TotalSeconds:0.###} s (the worker is blocked)");
    }
}
