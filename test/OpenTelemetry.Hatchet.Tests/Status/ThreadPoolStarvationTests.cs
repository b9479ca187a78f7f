using System.Diagnostics;
using System.Net.Sockets;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Status;

/// <summary>Starving the thread pool starves every test in the process, so these run alone.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class RunsAlone;

[Collection(typeof(RunsAlone))]
public sealed class ThreadPoolStarvationTests
{
    // The load: 200 work items that block, queued from one thread, on a 2-core machine.
    private const int BlockingWorkItems = 200;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Starved_thread_pool_is_answered_unhealthy_and_recovery_healthy()
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.EventLoopBlockThreshold] = "1s" });
        using var release = new ManualResetEventSlim();

        // From here on the test blocks instead of awaiting: awaiting needs the pool it starves.
        for (var i = 0; i < BlockingWorkItems; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static gate => gate.Wait(TimeSpan.FromSeconds(60)), release, preferLocal: false);
        }

        string starvedHealth, starvedLivez, starvedReady;
        try
        {
            starvedHealth = PollUntil(worker.Port, "/health", answer => answer.Contains("UNHEALTHY", StringComparison.Ordinal));
            starvedLivez = Probe(worker.Port, "/livez");
            starvedReady = Probe(worker.Port, "/readyz");
        }
        finally
        {
            release.Set();
        }

        var recovered = PollUntil(worker.Port, "/health", answer => answer.Contains("\"HEALTHY\"", StringComparison.Ordinal));

        starvedHealth.Should().StartWith("HTTP/1.1 503").And.EndWith("""{"status":"UNHEALTHY"}""");
        starvedLivez.Should().StartWith("HTTP/1.1 503").And.EndWith("thread pool starved");
        starvedReady.Should().StartWith("HTTP/1.1 503");
        recovered.Should().StartWith("HTTP/1.1 200");
        Probe(worker.Port, "/livez").Should().StartWith("HTTP/1.1 200");
        worker.Logs.Lines.Should().Contain(line => line.Message.EndsWith("has waited 1 s or more (thread-pool starvation)", StringComparison.Ordinal));
    }

    private static string Probe(int port, string path) => RawHttp.Exchange(port, RawHttp.Get(path), ProbeTimeout);

    // Every probe must be answered, starved or not: a timeout fails the test at once.
    private static string PollUntil(int port, string path, Func<string, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        string answer;
        do
        {
            try
            {
                answer = Probe(port, path);
            }
            catch (SocketException exception)
            {
                throw new TimeoutException($"{path} was not answered within {ProbeTimeout.TotalSeconds} s after {deadline.Elapsed.TotalSeconds:0.0} s: {exception.SocketErrorCode}", exception);
            }

            if (condition(answer))
            {
                return answer;
            }

            Thread.Sleep(100);
        }
        while (deadline.Elapsed < TimeSpan.FromSeconds(30));

        throw new TimeoutException($"{path} never met the condition; last answer:\n{answer}");
    }
}
