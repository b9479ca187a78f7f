using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Hatchet.Status;
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

        // From here on the test blocks instead of awaiting: awaiting needs the pool it starves.
        using var starvation = PoolStarvation.Start(BlockingWorkItems);

        string starvedHealth, starvedLivez, starvedReady;
        try
        {
            starvedHealth = PollUntil(worker.Port, "/health", answer => answer.Contains("UNHEALTHY", StringComparison.Ordinal));
            starvedLivez = Probe(worker.Port, "/livez");
            starvedReady = Probe(worker.Port, "/readyz");
        }
        finally
        {
            starvation.Release();
        }

        var recovered = PollUntil(worker.Port, "/health", answer => answer.Contains("\"HEALTHY\"", StringComparison.Ordinal));

        starvedHealth.Should().StartWith("HTTP/1.1 503").And.EndWith("""{"status":"UNHEALTHY"}""");
        starvedLivez.Should().StartWith("HTTP/1.1 503").And.EndWith("thread pool starved");
        starvedReady.Should().StartWith("HTTP/1.1 503");
        recovered.Should().StartWith("HTTP/1.1 200");
        Probe(worker.Port, "/livez").Should().StartWith("HTTP/1.1 200");
        worker.Logs.Lines.Should().Contain(line => line.Message.EndsWith("has waited 1 s or more (thread-pool starvation)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Monitor_stops_at_once_while_the_pool_is_still_starved()
    {
        var health = new HatchetWorkerHealth();
        using var monitor = new ThreadPoolStarvationMonitor(health, TimeProvider.System, NullLogger<ThreadPoolStarvationMonitor>.Instance);
        await monitor.StartAsync(TestContext.Current.CancellationToken);
        using var starvation = PoolStarvation.Start(BlockingWorkItems);

        // A host stopping a starved worker must not wait for the pool: the monitor's probe is still queued.
        bool starvationSeen, stoppedInTime;
        try
        {
            starvationSeen = SpinWait.SpinUntil(() => health.ThreadPoolLag >= TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
            var stopping = new Thread(() => monitor.StopAsync(CancellationToken.None).GetAwaiter().GetResult());
            stopping.Start();
            stoppedInTime = stopping.Join(TimeSpan.FromSeconds(3));
        }
        finally
        {
            starvation.Release();
        }

        starvationSeen.Should().BeTrue("the probe waited behind the blocking work items");
        stoppedInTime.Should().BeTrue("stopping must not wait for a probe the starved pool has not run");
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
