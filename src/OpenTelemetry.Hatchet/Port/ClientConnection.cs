using System.Buffers;
using System.Net.Sockets;
using OpenTelemetry.Hatchet.Scrape;

namespace OpenTelemetry.Hatchet.Port;

/// <summary>One client's connection to the healthcheck port and the bytes of its request read so far.</summary>
internal sealed class ClientConnection(Socket socket, long now)
{
    /// <summary>The most a request head may take; a Prometheus or Kubernetes probe sends a few hundred bytes.</summary>
    public const int MaxHeadLength = 8 * 1024;

    public Socket Socket { get; } = socket;

    public byte[] Buffer { get; } = ArrayPool<byte>.Shared.Rent(MaxHeadLength);

    /// <summary>Gets or sets how many bytes of <see cref="Buffer"/> hold unread request data.</summary>
    public int Count { get; set; }

    /// <summary>Gets or sets when the request now being read began (or the connection went idle), in ms.</summary>
    public long RequestStarted { get; set; } = now;

    public ConnectionState State { get; set; } = ConnectionState.Reading;

    /// <summary>Gets or sets a value indicating whether the connection stays open after a relayed scrape's answer.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Gets or sets the scrape waiting for the exporter, while <see cref="State"/> is <see cref="ConnectionState.Relaying"/>.</summary>
    public RelayedScrape? Relayed { get; set; }

    /// <summary>Drops the first <paramref name="length"/> bytes: the request just answered.</summary>
    public void Consume(int length)
    {
        this.Buffer.AsSpan(length, this.Count - length).CopyTo(this.Buffer);
        this.Count -= length;
    }

    public void Close()
    {
        this.State = ConnectionState.Closed;
        this.Socket.Dispose();
        ArrayPool<byte>.Shared.Return(this.Buffer);
    }
}
