namespace OpenTelemetry.Hatchet.Status;

/// <summary>
/// What the worker's code has said about its connection to the Hatchet dispatcher, and the Python SDK's
/// rule that turns it into a status: not yet connected is <c>STARTING</c>, then <c>UNHEALTHY</c> after the
/// connect timeout; connected is <c>HEALTHY</c> only while the last heartbeat succeeded and is recent.
/// </summary>
/// <remarks>
/// Not thread-safe: <see cref="HatchetWorkerHealth"/> calls it under its lock. Times are
/// <see cref="TimeProvider"/> timestamps. Reasons are built once here, so evaluating allocates nothing.
/// </remarks>
internal sealed class ListenerSignal(TimeProvider time, TimeSpan connectTimeout, TimeSpan heartbeatTimeout)
{
    private readonly StatusReport connecting = new(HatchetWorkerStatus.Starting, "the listener is connecting to the Hatchet dispatcher");
    private readonly StatusReport notConnected = new(HatchetWorkerStatus.Unhealthy, $"the listener has not connected to the Hatchet dispatcher within {connectTimeout.TotalSeconds:0.###} s");
    private readonly StatusReport stale = new(HatchetWorkerStatus.Unhealthy, $"no heartbeat has succeeded for {heartbeatTimeout.TotalSeconds:0.###} s");
    private readonly StatusReport healthy = new(HatchetWorkerStatus.Healthy, "the listener is connected and heartbeats succeed");

    private State state;
    private long since;
    private long lastSuccess;
    private StatusReport? failure;
    private bool heartbeatsOnStream;

    private enum State
    {
        NotReported,
        Connecting,
        Connected,
    }

    public void Connecting() => this.Connecting(afresh: false);

    /// <summary>
    /// The worker is (again) trying to connect. Attempts in a row keep the clock of the first, so a worker that retries
    /// more often than the connect timeout still turns <c>UNHEALTHY</c> when it passes, as the Python SDK's does; a
    /// worker that lost its connection stays <c>UNHEALTHY</c> until it has one again, as Python's does. Only
    /// <paramref name="afresh"/> (a registration after <c>Unsubscribe</c>) starts over at <c>STARTING</c>.
    /// </summary>
    public void Connecting(bool afresh)
    {
        if (!afresh && (this.state == State.Connecting || this.failure is not null))
        {
            return;
        }

        this.heartbeatsOnStream = false;
        this.state = State.Connecting;
        this.since = time.GetTimestamp();
        this.failure = null;
    }

    public void Connected() => this.Connected(heartbeatsOnStream: false);

    /// <summary>
    /// The stream is open; on the old <c>/Dispatcher/Listen</c> the engine keeps the worker's heartbeat itself
    /// while it is, and the worker sends none, so an open stream is as good as fresh heartbeats.
    /// </summary>
    public void Connected(bool heartbeatsOnStream)
    {
        this.heartbeatsOnStream = heartbeatsOnStream;
        this.state = State.Connected;
        this.since = this.lastSuccess = time.GetTimestamp();
        this.failure = null;
    }

    public void Disconnected(string reason)
    {
        this.heartbeatsOnStream = false;
        this.state = State.Connected;
        this.failure = new(HatchetWorkerStatus.Unhealthy, $"the listener lost its connection: {reason}");
    }

    // The engine refuses a heartbeat while the listen stream is down, so a success also means connected.
    public void HeartbeatSucceeded()
    {
        this.state = State.Connected;
        this.lastSuccess = time.GetTimestamp();
        this.failure = null;
    }

    public void HeartbeatFailed(string reason)
    {
        if (this.state == State.NotReported)
        {
            this.Connecting();
        }

        if (this.state == State.Connected)
        {
            this.failure = new(HatchetWorkerStatus.Unhealthy, $"the last heartbeat failed: {reason}");
        }
    }

    /// <summary>Gets the listener's view of the status, or <see langword="null"/> if the worker reports nothing about it.</summary>
    public StatusReport? Evaluate() => this.state switch
    {
        State.NotReported => null,
        State.Connecting => time.GetElapsedTime(this.since) < connectTimeout ? this.connecting : this.notConnected,
        _ => this.failure ?? (this.heartbeatsOnStream || time.GetElapsedTime(this.lastSuccess) < heartbeatTimeout ? this.healthy : this.stale),
    };
}
