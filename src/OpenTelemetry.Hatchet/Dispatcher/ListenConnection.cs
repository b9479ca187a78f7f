namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>
/// Turns what the interceptor sees of the listen stream and the heartbeats into the listener reports of
/// <see cref="HatchetWorkerHealth"/>, as the Python SDK decides health from the same connection.
/// </summary>
/// <remarks>
/// <para>
/// A listen call counts as open at its first message, or once it has gone <see cref="SettleTime"/> without
/// failing. The engine is a grpc-go server: a streaming handler sends its response headers only with its first
/// message or with its trailers, so an idle stream shows the client nothing at all, and a call still pending is
/// all there is to see. The engine refuses a call it does not accept at once (an unknown or malformed worker id,
/// <c>internal/services/dispatcher/server.go</c> lines 189-207 and 298-316 at upstream 89d130f), which the client
/// sees within milliseconds; the worker registered on the same channel just before, so a pending call is not a
/// connection that never came up. Headers are not read at all: a dispatcher that refuses a call sends them a
/// moment before the failure.
/// </para>
/// <para>
/// On <c>ListenV2</c> the worker is connected once its call is open and a heartbeat has succeeded since the call
/// was made: the Python SDK is healthy only when its last heartbeat succeeded
/// (<c>sdks/python/hatchet_sdk/worker/action_listener_process.py</c>, <c>_compute_health</c>, lines 226-240), and
/// it marks the heartbeat failed when its stream breaks (<c>clients/dispatcher/action_listener.py</c> line 281).
/// A heartbeat that succeeds while the stream is down or a new call is still settling is kept for that call and
/// counts only once the call is open. The old <c>Listen</c> has no heartbeat calls: the engine records the
/// worker's heartbeat itself while the stream is open (<c>server.go</c> lines 239-276), so an open stream is enough.
/// </para>
/// <para>Thread-safe; reports are made under its lock so that they reach the status in the order they happened.</para>
/// </remarks>
internal sealed class ListenConnection(HatchetWorkerHealth health, TimeProvider time)
{
    /// <summary>How long a listen call must go on without failing before it counts as open.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private readonly Lock gate = new();
    private ListenCall? current;
    private bool everConnected;

    /// <summary>A new registration: what earlier calls showed says nothing about it.</summary>
    public void Registering()
    {
        lock (this.gate)
        {
            this.current?.Close();
            this.current = null;
            this.everConnected = false;
            health.ReportRegistering();
        }
    }

    public ListenCall Opening(bool carriesHeartbeats)
    {
        lock (this.gate)
        {
            // The call it replaces may still end later: Ended ignores it then, as it is no longer current.
            this.current?.Settling?.Dispose();
            var call = new ListenCall(carriesHeartbeats);
            this.current = call;
            call.Settling = time.CreateTimer(static state => ((ListenCallSettled)state!).Settled(), new ListenCallSettled(this, call), SettleTime, Timeout.InfiniteTimeSpan);
            return call;
        }
    }

    public void MessageArrived(ListenCall call)
    {
        lock (this.gate)
        {
            this.Open(call);
        }
    }

    public void Ended(ListenCall call, string reason)
    {
        lock (this.gate)
        {
            if (call.Ended)
            {
                return;
            }

            call.Close();

            // A call replaced by a newer one says nothing about the newer one. One that never connected
            // leaves a first connection STARTING (the connect timeout decides) and keeps a broken one UNHEALTHY.
            if (call == this.current && this.everConnected)
            {
                health.ReportListenerDisconnected(reason);
            }
        }
    }

    public void HeartbeatSucceeded()
    {
        lock (this.gate)
        {
            switch (this.current)
            {
                case null:
                    // No listen call through the interceptor in this registration: heartbeats are all there is to go by.
                    health.ReportHeartbeatSucceeded();
                    break;
                case { Ended: false } call:
                    call.HeartbeatSeen = true;
                    if (call.Open)
                    {
                        this.Report(call);
                        health.ReportHeartbeatSucceeded();
                    }

                    break;

                // Otherwise the stream is down: a heartbeat the engine still accepted must not hide that.
            }
        }
    }

    public void HeartbeatFailed(string reason)
    {
        lock (this.gate)
        {
            if (this.current is { } call)
            {
                call.HeartbeatSeen = false;
            }

            health.ReportHeartbeatFailed(reason);
        }
    }

    private void Open(ListenCall call)
    {
        if (call.Ended || call.Open || call != this.current)
        {
            return;
        }

        call.Open = true;
        call.Settling?.Dispose();
        if (call.CarriesHeartbeats || call.HeartbeatSeen)
        {
            this.Report(call);
        }
    }

    private void Report(ListenCall call)
    {
        if (!call.Reported)
        {
            call.Reported = true;
            this.everConnected = true;
            health.ReportListenerConnected(call.CarriesHeartbeats);
        }
    }

    /// <summary>One listen call; read and written under the connection's lock.</summary>
    internal sealed class ListenCall(bool carriesHeartbeats)
    {
        public bool CarriesHeartbeats { get; } = carriesHeartbeats;

        /// <summary>Gets or sets a value indicating whether the call has shown it is open (a message, or no failure for <see cref="SettleTime"/>).</summary>
        public bool Open { get; set; }

        /// <summary>Gets or sets a value indicating whether a heartbeat has succeeded since the call was made, and none failed after it.</summary>
        public bool HeartbeatSeen { get; set; }

        /// <summary>Gets or sets a value indicating whether the worker was reported connected on this call.</summary>
        public bool Reported { get; set; }

        public bool Ended { get; private set; }

        public ITimer? Settling { get; set; }

        public void Close()
        {
            this.Ended = true;
            this.Settling?.Dispose();
        }
    }

    /// <summary>The settle timer's state: which call on which connection.</summary>
    private sealed class ListenCallSettled(ListenConnection connection, ListenCall call)
    {
        public void Settled()
        {
            lock (connection.gate)
            {
                connection.Open(call);
            }
        }
    }
}
