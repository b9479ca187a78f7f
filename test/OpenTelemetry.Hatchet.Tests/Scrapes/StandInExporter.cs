using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// Stands in for the exporter's listener, for tests of the relay alone: answers each <c>GET</c> on kept-alive
/// connections with a numbered exposition (<c>answer N</c>), and keeps each request head it was sent. Told to, it
/// refuses the next request (<c>500</c>), leaves the media type off the next answer, or holds its answers until
/// released.
/// </summary>
internal sealed class StandInExporter : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task serving;
    private TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int asked;

    public StandInExporter()
    {
        this.released.SetResult();
        this.listener.Start();
        this.serving = this.ServeAsync();
    }

    public int? Port => ((IPEndPoint)this.listener.LocalEndpoint).Port;

    public int Asked => Volatile.Read(ref this.asked);

    /// <summary>Gets the head of each request, in the order they came.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public bool RefuseNext { get; set; }

    public bool OmitMediaTypeNext { get; set; }

    /// <summary>Gets or sets how many bytes of comment each answer carries after its sample, to make it large.</summary>
    public int Padding { get; set; }

    /// <summary>Answers wait from now until <see cref="Release"/>.</summary>
    public void Hold() => this.released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => this.released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        this.Release();
        await this.stop.CancelAsync();
        this.listener.Stop();
        await this.serving.ContinueWith(static _ => { }, TaskScheduler.Default);
        this.stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await this.listener.AcceptSocketAsync(this.stop.Token);
                connections.Add(this.AnswerAsync(socket));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            await Task.WhenAll(connections).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task AnswerAsync(Socket socket)
    {
        using var _ = socket;
        var pending = string.Empty;
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, this.stop.Token);
                if (read == 0)
                {
                    return;
                }

                pending += Encoding.ASCII.GetString(buffer, 0, read);
                int end;
                while ((end = pending.IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    this.Requests.Enqueue(pending[..end]);
                    pending = pending[(end + 4)..];
                    var number = Interlocked.Increment(ref this.asked);
                    await this.released.Task.WaitAsync(this.stop.Token);
                    var (refuse, omit) = (this.RefuseNext, this.OmitMediaTypeNext);
                    (this.RefuseNext, this.OmitMediaTypeNext) = (false, false);
                    var body = refuse ? string.Empty : $"# TYPE answer gauge\nanswer {number}\n"
                        + (this.Padding > 0 ? $"# {new string('x', this.Padding)}\n" : string.Empty);
                    var response = $"HTTP/1.1 {(refuse ? "500 Internal Server Error" : "200 OK")}\r\n"
                        + (omit ? string.Empty : "Content-Type: text/plain; charset=utf-8; version=0.0.4\r\n")
                        + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
                    await socket.SendAsync(Encoding.UTF8.GetBytes(response), SocketFlags.None, this.stop.Token);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException)
        {
            // The relay or the test went away.
        }
    }
}
