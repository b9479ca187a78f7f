using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// An engine that goes silent, as across a network partition that drops packets: the sockets stay open and nothing
/// arrives, frozen in a TCP relay between the worker and the dispatcher. The worker heartbeats as the Python SDK's,
/// so the verdict can be held to Python's: UNHEALTHY when the first heartbeat after the silence fails (its 5 s
/// deadline, about 9 s after the last success), HEALTHY again with the first heartbeat after the network is back.
/// </summary>
public sealed class SilentEngineTests(ITestOutputHelper output)
{
    /// <summary>The bound: UNHEALTHY within 11 s of the last successful heartbeat (Python: about 9 s).</summary>
    private static readonly TimeSpan UnhealthyWithin = TimeSpan.FromSeconds(11);

    /// <summary>
    /// HEALTHY again within one heartbeat of the thaw: the next heartbeat starts at most 4 s after it; its round trip
    /// and the 100 ms between probes get 1 s on top, for a loaded machine.
    /// </summary>
    private static readonly TimeSpan HealthyAgainWithin = PythonPacedWorker.HeartbeatInterval + TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the silence goes on once the worker is UNHEALTHY, probed all along: long enough for the stream the
    /// failed heartbeat interrupted to be opened again and to have gone 2 s without failing.
    /// </summary>
    internal static readonly TimeSpan StillSilent = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task ListenV2_worker_behind_a_silent_network_is_unhealthy_when_its_heartbeat_fails_and_healthy_one_heartbeat_after_the_network_is_back()
    {
        await using var dispatcher = await TestDispatcher.StartAsync();
        await using var relay = FreezableRelay.To(dispatcher.Address.Port);

        // The package's defaults: the heartbeat timeout must not decide before the failed heartbeat does.
        await using var host = await WorkerHost.StartAsync();
        var clock = Stopwatch.StartNew();
        await using var worker = new PythonPacedWorker(relay.Address, host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>(), clock);
        await worker.StartAsync();
        await Eventually.Until(() => host.Client.GetAsync("/health"), reply => reply.Status == HttpStatusCode.OK, "HEALTHY before the silence", TimeSpan.FromSeconds(20));

        await relay.FreezeAsync();
        var frozenAt = clock.Elapsed;
        var silent = await ProbeUntilAsync(host.Client, clock, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20));
        await Eventually.Until(() => !worker.Heartbeats.All(heartbeat => heartbeat.Succeeded), "a heartbeat to fail", PythonPacedWorker.HeartbeatInterval + PythonPacedWorker.HeartbeatDeadline + TimeSpan.FromSeconds(5));
        var failed = worker.Heartbeats.First(heartbeat => !heartbeat.Succeeded);
        var lastSuccess = worker.Heartbeats.Last(heartbeat => heartbeat.Succeeded && heartbeat.At < failed.At).At;
        var stillSilent = await ProbeForAsync(host.Client, clock, StillSilent);
        relay.Thaw();
        var thawedAt = clock.Elapsed;
        var back = await ProbeUntilAsync(host.Client, clock, HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        var firstSuccessAfterThaw = worker.Heartbeats.First(heartbeat => heartbeat.Succeeded && heartbeat.At > thawedAt).At;

        var unhealthy = silent[^1];
        var healthy = back[^1];
        output.WriteLine($"frozen {frozenAt.TotalSeconds - lastSuccess.TotalSeconds:F2} s after the last successful heartbeat; heartbeat failed {(failed.At - lastSuccess).TotalSeconds:F2} s after it");
        output.WriteLine($"503 {(unhealthy.End - lastSuccess).TotalSeconds:F2} s after the last successful heartbeat ({(unhealthy.End - failed.At).TotalSeconds:F2} s after the failure)");
        output.WriteLine($"200 {(healthy.End - thawedAt).TotalSeconds:F2} s after the thaw ({(healthy.End - firstSuccessAfterThaw).TotalSeconds:F2} s after the first heartbeat that succeeded after it)");

        silent.Where(probe => probe.End < failed.At).Should().OnlyContain(probe => probe.Status == HttpStatusCode.OK, "Python is HEALTHY until its heartbeat fails");
        (unhealthy.End - lastSuccess).Should().BeLessThan(UnhealthyWithin);
        stillSilent.Should().OnlyContain(probe => probe.Status == HttpStatusCode.ServiceUnavailable, "the stream opened again after the failure reaches no engine, and no heartbeat succeeds");
        // None may be 200 before the first heartbeat after the thaw succeeds. There may be none at all: that heartbeat can
        // succeed while the first probe after the thaw is still on its way, and FluentAssertions' OnlyContain would fail
        // on an empty set.
        back.Where(probe => probe.End < firstSuccessAfterThaw).Should().NotContain(probe => probe.Status == HttpStatusCode.OK, "Python is UNHEALTHY until a heartbeat succeeds");
        (healthy.End - thawedAt).Should().BeLessThan(HealthyAgainWithin);
        worker.ListenCalls.Should().Contain(call => call > failed.At, "the failed heartbeat interrupts the stream, which is opened again");
    }

    /// <summary>Probes every 100 ms until the status, returning every probe made (the last one has the status).</summary>
    internal static async Task<List<Probe>> ProbeUntilAsync(HealthcheckClient client, Stopwatch clock, HttpStatusCode status, TimeSpan timeout)
    {
        var probes = new List<Probe>();
        var deadline = clock.Elapsed + timeout;
        while (clock.Elapsed < deadline)
        {
            var start = clock.Elapsed;
            var reply = await client.GetAsync("/health");
            probes.Add(new Probe(start, clock.Elapsed, reply.Status));
            if (reply.Status == status)
            {
                return probes;
            }

            await Task.Delay(ProbeInterval, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"/health did not answer {(int)status} within {timeout.TotalSeconds} s; {probes.Count} probes");
    }

    /// <summary>Probes every 100 ms for the duration, returning every probe made.</summary>
    internal static async Task<List<Probe>> ProbeForAsync(HealthcheckClient client, Stopwatch clock, TimeSpan duration)
    {
        var probes = new List<Probe>();
        var end = clock.Elapsed + duration;
        while (clock.Elapsed < end)
        {
            var start = clock.Elapsed;
            var reply = await client.GetAsync("/health");
            probes.Add(new Probe(start, clock.Elapsed, reply.Status));
            await Task.Delay(ProbeInterval, TestContext.Current.CancellationToken);
        }

        return probes;
    }

    internal sealed record Probe(TimeSpan Start, TimeSpan End, HttpStatusCode Status);
}
