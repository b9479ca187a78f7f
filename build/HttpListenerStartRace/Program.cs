using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Healthcheck;

// One run: how long HttpListener.Start takes cold and warm, then how many of N starts on a port that a
// client keeps connecting to fault and are recovered by HttpListenerStartup. A fault on the thread-pool
// path ends this process with exit code 134; build/httplistener-race.sh counts those across runs.
var starts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first HttpListener.Start in this process: {TimeStart():F2} ms; second: {TimeStart():F2} ms; third: {TimeStart():F2} ms"));

var port = HttpListenerStartup.UnusedLoopbackPort();
var faults = new FaultCounter();
var stop = 0;
var client = new Thread(() =>
{
    while (Volatile.Read(ref stop) == 0)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
        }
        catch (SocketException)
        {
        }
    }
});
client.Start();

for (var i = 0; i < starts; i++)
{
    HttpListenerStartup.Start([$"http://127.0.0.1:{port}/"], faults).Close();
}

Volatile.Write(ref stop, 1);
client.Join();
Console.WriteLine($"starts: {starts}; faulted in Start and recovered: {faults.Count}");

static double TimeStart()
{
    var listener = new HttpListener();
    listener.Prefixes.Add($"http://127.0.0.1:{HttpListenerStartup.UnusedLoopbackPort()}/");
    var clock = Stopwatch.StartNew();
    listener.Start();
    var elapsed = clock.Elapsed.TotalMilliseconds;
    listener.Close();
    return elapsed;
}

/// <summary>Counts the warnings HttpListenerStartup writes for each faulted start.</summary>
internal sealed class FaultCounter : ILogger
{
    private int count;

    public int Count => Volatile.Read(ref this.count);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Interlocked.Increment(ref this.count);
}
