using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StarvationProbe;

/// <summary>
/// One <c>GET</c> over a plain blocking socket, with a deadline for the whole exchange.
/// </summary>
/// <remarks>
/// Everything runs on the calling thread with synchronous system calls, so a starved thread pool in this
/// process cannot delay the probe itself: whatever delay is measured is the server's. The socket is never
/// made non-blocking, not even for a connect with a timeout: .NET then emulates its later blocking calls
/// with its socket engine, whose waits complete through the thread pool (measured: such a probe timed
/// out during the saturation while <c>curl</c> from outside the process was answered at once).
/// The request is what a kubelet sends (HTTP/1.1, <c>Connection: close</c>); the answer is read until
/// the server closes.
/// </remarks>
internal static class BlockingHttpProbe
{
    public static ProbeResult Get(int port, string path, TimeSpan timeout)
    {
        var sent = Stopwatch.GetTimestamp();
        var deadline = sent + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

            // Linux bounds a blocking connect by the send timeout (SO_SNDTIMEO).
            socket.SendTimeout = RemainingMilliseconds(deadline);
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
            socket.SendTimeout = RemainingMilliseconds(deadline);
            socket.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nAccept: */*\r\n\r\n"));
            var answer = ReadToEnd(socket, deadline);
            var ended = Stopwatch.GetTimestamp();
            return answer is null
                ? new ProbeResult(path, sent, ended, null, null, ProbeResult.Timeout)
                : Parse(path, sent, ended, answer);
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return new ProbeResult(path, sent, Stopwatch.GetTimestamp(), null, null, ProbeResult.Timeout);
        }
        catch (SocketException exception)
        {
            return new ProbeResult(path, sent, Stopwatch.GetTimestamp(), null, null, exception.SocketErrorCode.ToString());
        }
    }

    /// <returns>The whole answer, or null when the deadline passed first.</returns>
    private static byte[]? ReadToEnd(Socket socket, long deadline)
    {
        using var answer = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return null;
            }

            socket.ReceiveTimeout = RemainingMilliseconds(deadline);
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                return answer.ToArray();
            }

            answer.Write(buffer, 0, read);
        }
    }

    private static int RemainingMilliseconds(long deadline)
        => (int)Math.Clamp((deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency, 1, int.MaxValue);

    private static ProbeResult Parse(string path, long sent, long ended, byte[] answer)
    {
        var text = Encoding.UTF8.GetString(answer);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var statusLine = text.AsSpan(0, Math.Max(0, text.IndexOf("\r\n", StringComparison.Ordinal)));
        var parts = statusLine.ToString().Split(' ', 3);
        if (headEnd < 0 || parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new ProbeResult(path, sent, ended, null, null, $"unreadable answer ({answer.Length} bytes)");
        }

        var head = text[..headEnd];
        var body = text[(headEnd + 4)..];
        if (head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Unchunk(body);
        }

        return new ProbeResult(path, sent, ended, code, BodyStatus(path, code, body), null);
    }

    // What the body says about the worker: /health's JSON status, /livez's word, /metrics's hatchet_worker_status.
    private static string? BodyStatus(string path, int code, string body)
    {
        if (path == "/metrics")
        {
            var line = body.Split('\n').FirstOrDefault(line => line.StartsWith("hatchet_worker_status", StringComparison.Ordinal));
            return code == 200 && line is not null ? $"hatchet_worker_status={line[(line.LastIndexOf(' ') + 1)..].Trim()}" : null;
        }

        const string Key = "\"status\":\"";
        var start = body.IndexOf(Key, StringComparison.Ordinal);
        if (start >= 0)
        {
            start += Key.Length;
            var end = body.IndexOf('"', start);
            return end > start ? body[start..end] : null;
        }

        var trimmed = body.Trim();
        return trimmed.Length is > 0 and <= 40 ? trimmed : null;
    }

    private static string Unchunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0
                || !int.TryParse(body.AsSpan(position, lineEnd - position).TrimEnd(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size)
                || size == 0)
            {
                break;
            }

            var start = lineEnd + 2;
            result.Append(body, start, Math.Min(size, body.Length - start));
            position = start + size + 2;
        }

        return result.ToString();
    }
}
