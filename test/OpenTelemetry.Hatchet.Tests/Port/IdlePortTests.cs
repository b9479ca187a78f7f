using System.Diagnostics;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Hatchet.Tests.Status;

namespace OpenTelemetry.Hatchet.Tests.Port;

/// <summary>
/// The port's thread stays awake only some tens of microseconds after serving (<c>BusyLooks</c>), then sleeps until
/// a socket is ready or a deadline is due. Measured as the processor time the whole process uses over a window, so
/// these run alone.
/// </summary>
[Collection(typeof(RunsAlone))]
public sealed class IdlePortTests
{
    // Not a wait for something to happen: the stretch of time the processor time is measured over.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Idle_port_sleeps_after_serving_instead_of_spinning()
    {
        await using var worker = await WorkerHost.StartAsync();
        using var client = new HttpClient();
        using var served = await client.GetAsync(new Uri($"http://127.0.0.1:{worker.Port}/health"), TestContext.Current.CancellationToken);

        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        await Task.Delay(Window, TestContext.Current.CancellationToken);
        process.Refresh();
        var used = process.TotalProcessorTime - before;

        used.Should().BeLessThan(Window / 4, "a loop that never slept would use a whole processor for the {0} the port was idle", Window);
    }
}
