using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>
/// One TCP connection driven byte by byte, for what a client library would never send: keep-alive by
/// hand, pipelining, slow or broken requests. Every byte received is kept, so a test can search it all.
/// </summary>
internal sealed class RawConnection : IDisposable
{
    /// <summary>How long a read may wait: far longer than any answer takes, short enough that a hang fails the test.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket socket;
    private readonly MemoryStream received = new();
    private readonly byte[] buffer = new byte[16 * 1024];
    private int consumed;

    private RawConnection(Socket socket) => this.socket = socket;

    /// <summary>Gets every byte the server has sent on this connection so far.</summary>
    public byte[] Received => this.received.ToArray();

    /// <summary>Gets the client's own port: the remote port of the server's end of the connection.</summary>
    public int LocalPort => ((IPEndPoint)this.socket.LocalEndPoint!).Port;

    /// <summary>Gets a value indicating whether the server has closed or reset the connection (and sent nothing unread).</summary>
    public bool IsClosedByServer => this.socket.Poll(0, SelectMode.SelectRead) && this.socket.Available == 0;

    /// <param name="port">The port on loopback.</param>
    /// <param name="receiveBufferSize">A small buffer makes the server wait on this client while it writes a large answer.</param>
    public static async Task<RawConnection> OpenAsync(int port, int? receiveBufferSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBufferSize is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(ReadTimeout);
            await socket.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
            return new RawConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request on a connection of its own, reads the answer, and checks that the server then closes the connection.</summary>
    public static async Task<RawResponse> AnsweredThenClosedAsync(int port, string request)
    {
        using var connection = await OpenAsync(port);
        await connection.SendAsync(request);
        var answer = await connection.ReadResponseAsync();
        answer.Header("Connection").Should().Be("close");
        (await connection.WaitForCloseAsync(ReadTimeout)).Should().BeTrue("the server should close the connection after that answer");
        return answer;
    }

    public Task SendAsync(string text) => this.SendAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends the bytes; a server that stops reading fails the test after <see cref="ReadTimeout"/> instead of hanging it.</summary>
    public async Task SendAsync(byte[] bytes)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(ReadTimeout);
        await this.socket.SendAsync(bytes, SocketFlags.None, deadline.Token);
    }

    /// <summary>Reads one whole response, framed by its <c>Content-Length</c> (none is read after a <c>HEAD</c>).</summary>
    /// <exception cref="IOException">The server closed the connection before the response was whole.</exception>
    public async Task<RawResponse> ReadResponseAsync(bool toHead = false)
    {
        var headEnd = await this.ReadHeadAsync();
        var head = Encoding.Latin1.GetString(this.Pending[..headEnd]);
        var response = new RawResponse(head, string.Empty);
        var bodyLength = toHead ? 0 : int.Parse(response.Header("Content-Length") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        while (this.Pending.Length < headEnd + 4 + bodyLength)
        {
            await this.ReceiveOrThrowAsync();
        }

        var body = Encoding.UTF8.GetString(this.Pending.Slice(headEnd + 4, bodyLength));
        this.consumed += headEnd + 4 + bodyLength;
        return response with { Body = body };
    }

    /// <summary>Reads until the next response's head has arrived, whatever of its body has not.</summary>
    /// <returns>Where the head ends in the bytes not yet consumed.</returns>
    public async Task<int> ReadHeadAsync()
    {
        int headEnd;
        while ((headEnd = this.Pending.IndexOf("\r\n\r\n"u8)) < 0)
        {
            await this.ReceiveOrThrowAsync();
        }

        return headEnd;
    }

    /// <summary>Waits until the server closes (or resets) the connection, reading whatever it sends meanwhile.</summary>
    /// <returns>False if it is still open after <paramref name="timeout"/>.</returns>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (await this.ReceiveAsync(deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Closes with a reset instead of a goodbye, as a killed client or a crashed proxy does.</summary>
    public void Abort()
    {
        this.socket.LingerState = new LingerOption(true, 0);
        this.socket.Dispose();
    }

    public void Dispose() => this.socket.Dispose();

    private ReadOnlySpan<byte> Pending => this.received.GetBuffer().AsSpan(this.consumed, (int)this.received.Length - this.consumed);

    private async Task ReceiveOrThrowAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(ReadTimeout);
        if (await this.ReceiveAsync(deadline.Token) == 0)
        {
            throw new IOException($"The server closed the connection mid-response; received so far:\n{Encoding.Latin1.GetString(this.Received)}");
        }
    }

    // A reset counts as a close: either way the server is done with this connection.
    private async Task<int> ReceiveAsync(CancellationToken cancellation)
    {
        int read;
        try
        {
            read = await this.socket.ReceiveAsync(this.buffer, SocketFlags.None, cancellation);
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return 0;
        }

        this.received.Write(this.buffer, 0, read);
        return read;
    }
}

/// <summary>A response as it came over the wire: its head (status line and headers) and its body.</summary>
internal sealed record RawResponse(string Head, string Body)
{
    public int Status => int.Parse(this.Head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The value of the first header of that name, or null.</summary>
    public string? Header(string name)
    {
        foreach (var line in this.Head.Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
