using System.Globalization;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Status;

/// <summary>
/// The thread-pool monitor probes twice a second from a thread of its own and sleeps in between: an
/// instrumentation package must not spend the application's CPU. The cost is read the way an operator
/// would read it, from the kernel's per-thread CPU time.
/// </summary>
public sealed class ThreadPoolMonitorCostTests
{
    // Linux keeps a thread's name to 15 bytes; .NET passes it the managed name, cut.
    private const string MonitorThreadName = "Hatchet thread-";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Monitor_thread_sleeps_between_probes()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads each thread's CPU time from /proc");
        await using var worker = await WorkerHost.StartAsync();
        await Eventually.Until(() => MonitorThreadTicks().Count > 0, "a thread named like the monitor");

        // Other tests' workers may run monitors too; each thread's own use is compared, and none may spin.
        var before = MonitorThreadTicks();
        await Task.Delay(Window, TestContext.Current.CancellationToken);
        var after = MonitorThreadTicks();

        var busiest = after.Where(thread => before.ContainsKey(thread.Key))
            .Select(thread => thread.Value - before[thread.Key])
            .DefaultIfEmpty(0)
            .Max();
        var ticksPerSecond = 100; // USER_HZ, fixed at 100 on Linux for /proc
        var busiestShare = busiest / (Window.TotalSeconds * ticksPerSecond);
        busiestShare.Should().BeLessThan(0.1, "probing twice a second costs microseconds, so a monitor thread that used {0:P0} of a core over {1} s is not sleeping between probes", busiestShare, Window.TotalSeconds);
    }

    // Thread id → user plus system CPU time in clock ticks, for every thread of this process named like the monitor.
    private static Dictionary<int, long> MonitorThreadTicks()
    {
        var ticks = new Dictionary<int, long>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != MonitorThreadName)
                {
                    continue;
                }

                // "tid (comm) state ppid ...": the name may hold spaces, so fields are counted after the last ')'.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
                var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
                ticks[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = utime + stime;
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return ticks;
    }
}
