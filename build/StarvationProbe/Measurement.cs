using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet;
using OpenTelemetry.Metrics;

namespace StarvationProbe;

/// <summary>The shape of one run; the defaults are the issue's: 200 items blocking for 30 s.</summary>
internal sealed record MeasurementSettings(string Label, string? ThresholdSeconds)
{
    /// <summary>Gets the healthcheck port; null picks an unused one.</summary>
    public int? Port { get; init; }

    public TimeSpan Baseline { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan Saturation { get; init; } = TimeSpan.FromSeconds(30);

    public int WorkItems { get; init; } = 200;

    /// <summary>Gets how long after the release to wait for <c>/health</c> to answer 200 again.</summary>
    public TimeSpan RecoveryLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long to go on probing once <c>/health</c> is 200 again, so the last phase has samples.</summary>
    public TimeSpan Tail { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the <c>/metrics</c> timeout: longer than the 5 s after which the new design answers 504, so that answer is seen.</summary>
    public TimeSpan MetricsTimeout { get; init; } = TimeSpan.FromSeconds(6);
}

/// <summary>
/// One run: a Generic Host worker with the healthcheck on a loopback port, probed from dedicated threads
/// before, during and after a saturation of the thread pool.
/// </summary>
internal static class Measurement
{
    private const string ThresholdVariable = "HATCHET_CLIENT_WORKER_HEALTHCHECK_EVENT_LOOP_BLOCK_THRESHOLD_SECONDS";

    public static RunRecord Run(MeasurementSettings settings)
    {
        var port = settings.Port ?? UnusedPort();
        using var host = BuildWorker(port, settings.ThresholdSeconds);
        var threshold = EffectiveThreshold(host);
        host.Start();
        WaitForHealthy(port, settings);

        // /livez exists only in the new design; the old one answers 404, and it is left out.
        var livezServed = BlockingHttpProbe.Get(port, "/livez", settings.ProbeTimeout).StatusCode != 404;
        (string Path, TimeSpan Timeout)[] paths =
        [
            ("/health", settings.ProbeTimeout),
            ("/livez", settings.ProbeTimeout),
            ("/metrics", settings.MetricsTimeout),
        ];
        var probes = paths
            .Where(path => livezServed || path.Path != "/livez")
            .ToDictionary(path => path.Path, path => new ProbeThread($"probe {path.Path}", () => BlockingHttpProbe.Get(port, path.Path, path.Timeout), settings.ProbeInterval));
        try
        {
            foreach (var probe in probes.Values)
            {
                probe.Start();
            }

            Thread.Sleep(settings.Baseline);
            var saturation = new PoolSaturation();
            var saturationStart = Stopwatch.GetTimestamp();
            saturation.Queue(settings.WorkItems);
            Thread.Sleep(settings.Saturation);
            var poolThreads = ThreadPool.ThreadCount;
            var itemsStarted = saturation.Started;
            var release = Stopwatch.GetTimestamp();
            saturation.Release();

            WaitForRecovery(probes["/health"], release, settings);
            foreach (var probe in probes.Values)
            {
                probe.Dispose();
            }

            return new RunRecord(
                settings.Label,
                threshold,
                saturationStart,
                release,
                poolThreads,
                itemsStarted,
                settings.WorkItems,
                [.. paths.Select(path => new PathRecord(path.Path, path.Timeout, probes.GetValueOrDefault(path.Path)?.Results()))]);
        }
        finally
        {
            foreach (var probe in probes.Values)
            {
                probe.Dispose();
            }

            host.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        }
    }

    private static IHost BuildWorker(int port, string? thresholdSeconds)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });

        // The worker's log goes to stderr, so stdout carries only the summary.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        if (thresholdSeconds is not null)
        {
            builder.Configuration[ThresholdVariable] = thresholdSeconds;
        }

        builder.Services.AddOpenTelemetry().WithHatchetWorkerMetrics(options =>
        {
            options.HealthcheckEnabled = true;
            options.HealthcheckPort = port;
            options.HealthcheckBindAddress = "127.0.0.1";
        });
        return builder.Build();
    }

    // Read back from the options rather than assumed: it shows the setting took effect, and that the old
    // design, which has no such option, has none. By name, so the same source builds against both.
    private static string EffectiveThreshold(IHost host)
    {
        var options = host.Services.GetRequiredService<IOptions<HatchetWorkerMetricsOptions>>().Value;
        return typeof(HatchetWorkerMetricsOptions).GetProperty("ThreadPoolLagThreshold")?.GetValue(options) is TimeSpan threshold
            ? string.Create(CultureInfo.InvariantCulture, $"{threshold.TotalSeconds:0.###} s")
            : "none (no such option)";
    }

    private static void WaitForHealthy(int port, MeasurementSettings settings)
    {
        var deadline = Stopwatch.GetTimestamp() + (20 * Stopwatch.Frequency);
        ProbeResult last;
        do
        {
            last = BlockingHttpProbe.Get(port, "/health", settings.ProbeTimeout);
            if (last.StatusCode == 200)
            {
                return;
            }

            Thread.Sleep(settings.ProbeInterval);
        }
        while (Stopwatch.GetTimestamp() < deadline);

        throw new InvalidOperationException($"/health on port {port} did not answer 200 within 20 s after the host started; last: {last.Outcome}.");
    }

    // Until /health answers 200 again (then a short tail), or the recovery limit passes.
    private static void WaitForRecovery(ProbeThread health, long release, MeasurementSettings settings)
    {
        while (Stopwatch.GetElapsedTime(release) < settings.RecoveryLimit)
        {
            if (health.Results().FirstOrDefault(result => result.EndedAt >= release && result.StatusCode == 200) is { } healthy)
            {
                var tailLeft = settings.Tail - Stopwatch.GetElapsedTime(healthy.EndedAt);
                if (tailLeft > TimeSpan.Zero)
                {
                    Thread.Sleep(tailLeft);
                }

                return;
            }

            Thread.Sleep(settings.ProbeInterval);
        }
    }

    // Below Linux's ephemeral range, where the kernel picks the local ports of the probes' own connections.
    private static int UnusedPort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"no unused port found from 20000 to 32000"));
    }
}
