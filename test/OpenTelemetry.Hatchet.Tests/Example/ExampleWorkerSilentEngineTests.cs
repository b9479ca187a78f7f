using System.Diagnostics;
using System.Net;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Example;

/// <summary>
/// The example worker on the old <c>Listen</c>, which makes no heartbeat calls, behind a network that goes silent
/// (a frozen TCP relay between it and the engine): only HTTP/2 keepalive can see the silence, and the example's
/// channel is set so that it does within 30 s.
/// </summary>
public sealed class ExampleWorkerSilentEngineTests(ITestOutputHelper output)
{
    /// <summary>The bound for the old <c>Listen</c>: UNHEALTHY within 30 s of the freeze.</summary>
    private static readonly TimeSpan UnhealthyWithin = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Back within 5 s of the thaw, the example's promise for an engine that comes back (HatchetTransport): at worst
    /// the channel's reconnect backoff (1 s at most), the listen backoff (1 s at most) and the 2 s an old
    /// <c>Listen</c> call must go on without failing to count as open.
    /// </summary>
    private static readonly TimeSpan HealthyAgainWithin = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Example_worker_on_the_old_Listen_is_unhealthy_within_30_seconds_of_a_silent_network_and_listens_again_once_it_is_back()
    {
        await using var scenario = await Scenario.StartAsync();

        var silent = await scenario.FreezeUntilUnhealthyAsync();
        var listensBefore = scenario.Engine.Journal.Count(call => call == "listen-opened");
        scenario.Relay.Thaw();
        var thawedAt = scenario.Clock.Elapsed;
        await Eventually.Until(() => scenario.Engine.Journal.Count(call => call == "listen-opened") > listensBefore && scenario.Engine.OpenStreams >= 1, "the worker to listen again", TimeSpan.FromSeconds(30));
        var back = await SilentEngineTests.ProbeUntilAsync(scenario.Client, scenario.Clock, HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        output.WriteLine($"503 {silent[^1].End.TotalSeconds:F2} s after the freeze; 200 {(back[^1].End - thawedAt).TotalSeconds:F2} s after the thaw");
        silent[^1].End.Should().BeLessThan(UnhealthyWithin, scenario.Worker.Output);
        scenario.Worker.Output.Should().Contain("didn't respond to a ping request", "the keepalive ping is what saw the silence");
        (back[^1].End - thawedAt).Should().BeLessThan(HealthyAgainWithin, scenario.Worker.Output);
    }

    /// <summary>
    /// Python's verdict, which the package does not give yet, so the test runs only when asked for
    /// (<c>--explicit on</c>): an old <c>Listen</c> call counts as open once it has gone 2 s without failing
    /// (<c>ListenConnection.SettleTime</c>), and the call the worker makes again after the keepalive gave its
    /// connection up is pending on a connection the partition holds; so <c>/health</c> is 200 again about 2 s
    /// after the 503 while the network is still silent (measured: 503 22.5 s after the freeze, 200 again at 24.8 s).
    /// Reported to the lead with issue 26 part 2: <c>src/</c> is not this test's author's to change.
    /// </summary>
    [Fact(Explicit = true)]
    public async Task Example_worker_on_the_old_Listen_stays_unhealthy_while_the_network_stays_silent()
    {
        await using var scenario = await Scenario.StartAsync();

        await scenario.FreezeUntilUnhealthyAsync();
        var stillSilent = await SilentEngineTests.ProbeForAsync(scenario.Client, scenario.Clock, SilentEngineTests.StillSilent);
        scenario.Relay.Thaw();

        output.WriteLine(string.Join(", ", stillSilent.Select(probe => $"{probe.End.TotalSeconds:F1} s {(int)probe.Status}")));
        stillSilent.Should().OnlyContain(probe => probe.Status == HttpStatusCode.ServiceUnavailable, "nothing has reached the engine since the freeze: " + scenario.Worker.Output);
    }

    /// <summary>An engine without <c>ListenV2</c>, the example worker on the old <c>Listen</c> to it through a relay, HEALTHY.</summary>
    private sealed class Scenario : IAsyncDisposable
    {
        private Scenario(EngineStandIn engine, FreezableRelay relay, ExampleWorkerProcess worker, HealthcheckClient client)
        {
            this.Engine = engine;
            this.Relay = relay;
            this.Worker = worker;
            this.Client = client;
        }

        public EngineStandIn Engine { get; }

        public FreezableRelay Relay { get; }

        public ExampleWorkerProcess Worker { get; }

        public HealthcheckClient Client { get; }

        public Stopwatch Clock { get; } = new();

        public static async Task<Scenario> StartAsync()
        {
            var engine = await EngineStandIn.StartAsync();
            engine.WithoutListenV2 = true;
            var relay = FreezableRelay.To(engine.Port);
            var port = FreeTcpPort.Next();
            var environment = ExampleWorkerProcess.HealthcheckOn(port);
            environment["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For(relay.HostPort);
            environment["HATCHET_CLIENT_TLS_STRATEGY"] = "none";
            environment["HATCHET_CLIENT_HOST_PORT"] = relay.HostPort;
            var scenario = new Scenario(engine, relay, ExampleWorkerProcess.Start(environment), new HealthcheckClient(port, "localhost"));
            await scenario.Worker.WaitUntilHealthyAsync(port);
            scenario.Worker.Output.Should().Contain("listening on the old Listen");
            scenario.Engine.Journal.Should().NotContain("heartbeat", "an engine without Heartbeat gets none");
            return scenario;
        }

        /// <summary>Freezes the relay and probes until <c>/health</c> is 503; the clock starts at the freeze.</summary>
        public async Task<List<SilentEngineTests.Probe>> FreezeUntilUnhealthyAsync()
        {
            await this.Relay.FreezeAsync();
            this.Clock.Start();
            return await SilentEngineTests.ProbeUntilAsync(this.Client, this.Clock, HttpStatusCode.ServiceUnavailable, UnhealthyWithin + TimeSpan.FromSeconds(15));
        }

        public async ValueTask DisposeAsync()
        {
            this.Worker.Dispose();
            await this.Relay.DisposeAsync();
            await this.Engine.DisposeAsync();
        }
    }
}
