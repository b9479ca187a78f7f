namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>
/// Turns what the interceptor sees of the listen stream and the heartbeats into the listener reports of
/// <see cref="HatchetWorkerHealth"/>, as the Python SDK decides health from the same connection.
/// </summary>
/// <remarks>
/// <para>
/// On <c>ListenV2</c> health comes from heartbeats, as in the Python SDK, whose verdict is HEALTHY exactly when the
/// last heartbeat succeeded (<c>sdks/python/hatchet_sdk/worker/action_listener_process.py</c>, <c>_compute_health</c>,
/// lines 226-240 at upstream 89d130f). The worker is connected at the first heartbeat that succeeds after its listen
/// call was made, once the call has gone <see cref="ListenV2SettleTime"/> without failing (or has had a message).
/// The engine is a grpc-go server, whose streaming handler sends nothing until its first message, so an open call
/// and one about to be refused look the same, and the engine accepts heartbeats before a worker's first session
/// (<c>server.go</c> lines 437-440): the short wait keeps a first call that is refused from looking connected for a
/// moment. A refusal comes within one round trip (lines 298-316); Python starts heartbeating as it makes the call,
/// so its first HEALTHY comes at most that much later here. A call that ends with an error makes the worker UNHEALTHY until a heartbeat succeeds on the call that
/// replaces it (Python sets <c>last_heartbeat_succeeded = False</c> on an <c>RpcError</c> from the stream,
/// <c>clients/dispatcher/action_listener.py</c> line 281). A call the engine ends with OK changes nothing: the engine
/// ends a session that way when it lets the worker go or the worker's row is gone (<c>server.go</c> <c>ListenV2</c>,
/// lines 324-326, 338-340 and 373-380), and on a restart; Python counts a retry and reconnects (<c>UnexpectedEOF</c>,
/// lines 189-191). A worker that does not come back is caught by its next heartbeat, which the engine refuses once
/// the session it had is no longer active (<c>server.go</c> <c>Heartbeat</c>, lines 437-440). A call the worker
/// closes or cancels itself is a clean end too: Python's own <c>listener.cancel()</c> raises nothing into its loop.
/// </para>
/// <para>
/// The old <c>Listen</c> has no heartbeat calls: the engine records the worker's heartbeat itself while the stream
/// is open (<c>server.go</c> lines 239-276), so the stream is all there is. It counts as open at its first message,
/// or once it has gone <see cref="SettleTime"/> without failing (the engine refuses a call it does not accept at once,
/// lines 189-207, which the client sees within milliseconds), and any end of it is a lost connection.
/// </para>
/// <para>
/// Stricter than Python, on purpose: a first call that fails before the worker ever connected leaves it STARTING
/// (the connect timeout decides), and a heartbeat the engine accepts while the stream is broken and no new call has
/// been made does not make the worker healthy (the engine refuses those; one that accepts them is not to be trusted).
/// </para>
/// <para>Thread-safe; reports are made under its lock so that they reach the status in the order they happened.</para>
/// </remarks>
internal sealed class ListenConnection(HatchetWorkerHealth health, TimeProvider time)
{
    /// <summary>How long an old <c>Listen</c> call must go on without failing before it counts as open.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    /// <summary>How long a <c>ListenV2</c> call must go on without failing before a heartbeat connects the worker on it.</summary>
    public static readonly TimeSpan ListenV2SettleTime = TimeSpan.FromSeconds(0.25);

    private readonly Lock gate = new();
    private ListenCall? current;
    private bool everConnected;

    /// <summary>A new registration: what earlier calls showed says nothing about it.</summary>
    public void Registering()
    {
        lock (this.gate)
        {
            this.current?.Close(failed: false);
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
            var settle = carriesHeartbeats ? SettleTime : ListenV2SettleTime;
            call.Settling = time.CreateTimer(static state => ((ListenCallSettled)state!).Settled(), new ListenCallSettled(this, call), settle, Timeout.InfiniteTimeSpan);
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

    /// <summary>The call ended: with an error (<paramref name="clean"/> false), or with OK or closed by the worker.</summary>
    public void Ended(ListenCall call, string reason, bool clean)
    {
        lock (this.gate)
        {
            if (call.Ended)
            {
                return;
            }

            call.Close(failed: !clean);

            // A call replaced by a newer one says nothing about the newer one. One that never connected leaves a
            // first connection STARTING (the connect timeout decides) and keeps a broken one UNHEALTHY.
            if (call != this.current || !this.everConnected || (clean && !call.CarriesHeartbeats))
            {
                return;
            }

            health.ReportListenerDisconnected(reason);
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
                    // Kept for the call until it has settled, if it has not yet. Connected is a successful heartbeat too.
                    call.HeartbeatSeen = true;
                    if (call.Open)
                    {
                        this.Connected(call);
                    }

                    break;
                case { Failed: false, CarriesHeartbeats: false } when this.everConnected:
                    // A ListenV2 the engine ended cleanly, while the worker listens again.
                    health.ReportHeartbeatSucceeded();
                    break;

                // Otherwise the stream broke, or never connected: a heartbeat the engine still accepted must not hide that.
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
            this.Connected(call);
        }
    }

    private void Connected(ListenCall call)
    {
        this.everConnected = true;
        health.ReportListenerConnected(call.CarriesHeartbeats);
    }

    /// <summary>One listen call; read and written under the connection's lock.</summary>
    internal sealed class ListenCall(bool carriesHeartbeats)
    {
        public bool CarriesHeartbeats { get; } = carriesHeartbeats;

        /// <summary>Gets or sets a value indicating whether the call has shown it is open (a message, or no failure for its settle time).</summary>
        public bool Open { get; set; }

        /// <summary>Gets or sets a value indicating whether a heartbeat has succeeded since the call was made, and none failed after it.</summary>
        public bool HeartbeatSeen { get; set; }

        public bool Ended { get; private set; }

        /// <summary>Gets a value indicating whether the call ended with an error.</summary>
        public bool Failed { get; private set; }

        public ITimer? Settling { get; set; }

        public void Close(bool failed)
        {
            this.Ended = true;
            this.Failed = failed;
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
