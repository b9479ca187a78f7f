using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.NativeAot;

/// <summary>The seed's checks, run against the example worker compiled with Native AOT.</summary>
public sealed class NativeExampleWorkerTests
{
    [Fact]
    public async Task Native_publish_writes_no_trim_or_aot_warning()
    {
        var published = await NativeExample.GetAsync();

        File.Exists(published.Executable).Should().BeTrue();
        File.Exists(Path.ChangeExtension(published.Executable, ".dll")).Should().BeFalse("a native build has no IL to run");
        published.PublishOutput.Should().NotMatchRegex("(?i)warning (IL|AOT)\\d+", "every trim and AOT warning must be mended, not published");
    }

    [Fact]
    public async Task Native_worker_serves_health_200_and_metrics_with_status_1_and_gc_collections()
    {
        var published = await NativeExample.GetAsync();
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(ExampleWorkerProcess.HealthcheckOn(port), published.Executable);

        var health = await worker.WaitUntilHealthyAsync(port);
        var metrics = await new HealthcheckClient(port, "localhost").GetAsync("/metrics");

        health.Body.Should().Be("""{"status":"HEALTHY"}""");
        MetricsEndpointTests.SampleValue(metrics.Body, "hatchet_worker_status").Should().Be(1);
        metrics.Body.Should().MatchRegex("(?m)^dotnet_gc_collections_total");
    }

    [Fact]
    public async Task Native_worker_turns_unhealthy_when_stopping_never_answers_200_again_and_exits_within_5_seconds_of_SIGTERM()
    {
        var published = await NativeExample.GetAsync();
        var port = FreeTcpPort.Next();
        using var worker = ExampleWorkerProcess.Start(ExampleWorkerProcess.HealthcheckOn(port), published.Executable);
        await worker.WaitUntilHealthyAsync(port);

        // A dedicated thread probes as fast as it can across the stop until the port closes. It has been
        // answered once before the signal, so it is running when the stop begins.
        var answers = new List<string>();
        using var signalled = new ManualResetEventSlim();
        using var probing = new ManualResetEventSlim();
        var prober = new Thread(() => ProbeUntilClosed(port, answers, probing, signalled)) { IsBackground = true };
        prober.Start();
        probing.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken).Should().BeTrue("the prober should be answered while the worker runs");
        var clock = Stopwatch.StartNew();
        worker.Signal("TERM");
        signalled.Set();
        var exited = await worker.WaitForExitAsync(TimeSpan.FromSeconds(5));
        prober.Join(TimeSpan.FromSeconds(10)).Should().BeTrue("the port should close when the worker stops");

        exited.Should().BeTrue($"the worker should exit within 5 s of SIGTERM; output:\n{worker.Output}");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        worker.ExitCode.Should().Be(0);
        worker.Output.Should().Contain("Hatchet worker status changed from Healthy to Unhealthy: the host is stopping");

        // The native worker stops in a few milliseconds, so under load the prober may find the port already
        // closed; the 503 a stopping worker answers is pinned without that race by LifecycleTests. What the
        // prober did see after the signal must never be healthy, and only 503 UNHEALTHY if answered at all.
        var afterSignal = answers.SkipWhile(answer => answer.StartsWith("200", StringComparison.Ordinal)).ToList();
        // (NotContain, not OnlyContain: seeing no answer at all after the signal is allowed, and OnlyContain fails on none.)
        afterSignal.Where(answer => !IsRefusedOrReset(answer)).Should().NotContain(
            answer => answer != "503 {\"status\":\"UNHEALTHY\"}",
            $"a stopping worker answers 503 UNHEALTHY or not at all; answers: {string.Join(", ", answers.Distinct())}");
    }

    [Fact]
    public async Task Native_worker_refuses_a_bad_port_naming_variable_and_value()
    {
        var published = await NativeExample.GetAsync();
        using var worker = ExampleWorkerProcess.Start(
            new Dictionary<string, string?> { [HatchetVariables.Enabled] = "True", [HatchetVariables.Port] = "abc" },
            published.Executable);

        var exited = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        exited.Should().BeTrue();
        worker.ExitCode.Should().NotBe(0);
        worker.Output.Should().Contain($"{HatchetVariables.Port}='abc' is not a port");
    }

    private static bool IsRefusedOrReset(string answer)
        => answer is nameof(SocketError.ConnectionRefused) or nameof(SocketError.ConnectionReset) or "empty ";

    // Blocking sockets on a thread of its own: the stop lasts a few milliseconds, too short for awaits to see.
    private static void ProbeUntilClosed(int port, List<string> answers, ManualResetEventSlim probing, ManualResetEventSlim signalled)
    {
        var request = Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        var buffer = new byte[4096];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 2000 };
                socket.Connect("127.0.0.1", port);
                socket.Send(request);
                var answer = new StringBuilder();
                int read;
                while ((read = socket.Receive(buffer)) > 0)
                {
                    answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                var text = answer.ToString();
                var status = text.Length >= 12 ? text[9..12] : "empty";
                var body = text.Contains("\r\n\r\n", StringComparison.Ordinal) ? text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..] : string.Empty;
                answers.Add($"{status} {body}");
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused && signalled.IsSet)
            {
                return;
            }
            catch (SocketException exception)
            {
                answers.Add(exception.SocketErrorCode.ToString());
            }

            probing.Set();
        }
    }
}
