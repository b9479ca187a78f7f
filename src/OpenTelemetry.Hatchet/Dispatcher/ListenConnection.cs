namespace OpenTelemetry.Hatchet.Dispatcher;

/// <summary>
/// Turns what the interceptor sees of the listen stream and the heartbeats into the listener signals of
/// <see cref="HatchetWorkerHealth"/>: connected once the server has answered the current listen call,
/// disconnected when it ends.
/// </summary>
/// <remarks>
/// <para>
/// A <c>ListenV2</c> call counts as answered by its first message or by a heartbeat that succeeds while it is
/// open (the engine refuses heartbeats while the stream is down). Response headers alone are not trusted:
/// a dispatcher that refuses the call sends its headers (only <c>date</c> and <c>server</c>, measured with
/// Grpc.Net.Client against Grpc.AspNetCore) a few milliseconds before the call fails, with no status yet
/// known, so a refused connection would look connected for that moment. Heartbeats, every 4 s, answer the
/// call soon enough, and they are what health rests on anyway. The old <c>Listen</c> has no heartbeat calls,
/// so there headers on a call whose status is not yet known have to do.
/// </para>
/// <para>Thread-safe; reports are made under its lock so that they reach the status in the order they happened.</para>
/// </remarks>
internal sealed class ListenConnection(HatchetWorkerHealth health)
{
    private readonly Lock gate = new();
    private ListenCall? current;
    private bool everOpened;
    private bool everConnected;

    public ListenCall Opening(bool carriesHeartbeats)
    {
        lock (this.gate)
        {
            this.everOpened = true;
            return this.current = new ListenCall(carriesHeartbeats);
        }
    }

    public void HeadersArrived(ListenCall call, bool statusKnown)
    {
        lock (this.gate)
        {
            if (!statusKnown && call.CarriesHeartbeats)
            {
                this.Connect(call);
            }
        }
    }

    public void MessageArrived(ListenCall call)
    {
        lock (this.gate)
        {
            this.Connect(call);
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

            call.Ended = true;

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
            if (this.current is { Ended: false } call)
            {
                this.Connect(call);
                health.ReportHeartbeatSucceeded();
            }
            else if (!this.everOpened)
            {
                // The listen stream goes through a client without the interceptor: heartbeats are all there is.
                health.ReportHeartbeatSucceeded();
            }

            // Otherwise the stream is down: a heartbeat the engine still accepted must not hide that.
        }
    }

    public void HeartbeatFailed(string reason)
    {
        lock (this.gate)
        {
            health.ReportHeartbeatFailed(reason);
        }
    }

    private void Connect(ListenCall call)
    {
        if (call.Ended || call.Connected || call != this.current)
        {
            return;
        }

        call.Connected = true;
        this.everConnected = true;
        health.ReportListenerConnected(call.CarriesHeartbeats);
    }

    /// <summary>One listen call; read and written under the connection's lock.</summary>
    internal sealed class ListenCall(bool carriesHeartbeats)
    {
        public bool CarriesHeartbeats { get; } = carriesHeartbeats;

        public bool Connected { get; set; }

        public bool Ended { get; set; }
    }
}
