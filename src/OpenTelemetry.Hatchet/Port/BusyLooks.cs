namespace OpenTelemetry.Hatchet.Port;

/// <summary>
/// How the event loop waits for its sockets: after a look that found one ready, the next <see cref="Count"/> looks
/// do not block; only then does the loop sleep. An idle loop sleeps at once.
/// </summary>
/// <remarks>
/// A processor that has gone idle takes tens of microseconds to wake, a virtual one most of all, and a client
/// that sends its next request as soon as it has an answer paid that on every request: at one connection the port
/// answered <c>/health</c> and <c>/metrics</c> slower than the exporter's own listener, whose thread-pool workers
/// spin before they sleep. A look costs well under a microsecond (0.7 µs on the 2-core machine it was measured on),
/// so the looks cost at most some tens of microseconds of one core after each turn that served something, and
/// nothing while the port is idle.
/// </remarks>
internal sealed class BusyLooks
{
    /// <summary>How many looks after one that found a socket ready do not block.</summary>
    public const int Count = 64;

    private int left;

    /// <summary>Gets a value indicating whether the next look must not block.</summary>
    public bool IsAwake => this.left > 0;

    /// <summary>Records how many sockets a look found ready.</summary>
    /// <returns>True when the loop stops looking: a socket is ready, or the look was one that slept.</returns>
    public bool Saw(int ready)
    {
        if (ready > 0)
        {
            this.left = Count;
            return true;
        }

        if (this.left == 0)
        {
            return true;
        }

        this.left--;
        return false;
    }
}
