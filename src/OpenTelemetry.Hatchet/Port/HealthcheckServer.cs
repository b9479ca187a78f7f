using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Probes;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Metrics;
using TargetInfo = OpenTelemetry.Hatchet.Scrape.HatchetFamiliesWriter.TargetInfo;

namespace OpenTelemetry.Hatchet.Port;

/// <summary>
/// Owns the healthcheck port for the host's lifetime: opens it when the host starts, closes it when the
/// host has stopped, and keeps the worker running if it cannot be opened.
/// </summary>
/// <remarks>
/// The public port is served by <see cref="HealthcheckSocketServer"/>, which needs no thread pool. The
/// OpenTelemetry Prometheus exporter's HttpListener serves <c>/metrics</c> on a private loopback port
/// that <see cref="ScrapeRelay"/> asks on each scrape. The exporter creates its listener when the
/// MeterProvider is built and hands it to <see cref="AttachExporterListener"/> with no prefixes; a live
/// HttpListener binds when a prefix is added and lets go when the last is removed, so its port follows the
/// host too. No client knows the private port, which also keeps clear of a race in the managed
/// HttpListener that can fault it when a client connects in the instant it starts listening.
/// </remarks>
internal sealed class HealthcheckServer(
    IOptions<HatchetWorkerMetricsOptions> options,
    HatchetWorkerHealth health,
    TimeProvider time,
    IServiceProvider services,
    ILogger<HealthcheckServer> logger) : IHostedLifecycleService, IDisposable
{
    private const int PrivatePortAttempts = 5;

    private readonly Lock gate = new();
    private HttpListener? exporterListener;
    private string? exporterPrefix;
    private int exporterPort;
    private HealthcheckSocketServer? server;
    private (string Address, int Port) endpoint;

    /// <summary>Receives the Prometheus exporter's listener; called while the MeterProvider is built.</summary>
    public void AttachExporterListener(HttpListener listener)
    {
        listener.Prefixes.Clear();
        this.exporterListener = listener;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.HealthcheckEnabled)
        {
            // Building the MeterProvider creates the exporter's listener; OpenTelemetry's own hosted service
            // would build it moments later, and asking for it here makes the order certain.
            var meterProvider = services.GetService<MeterProvider>();
            var exporter = services.GetService<IOptionsMonitor<PrometheusHttpListenerOptions>>()?.Get(HatchetWorkerMetricsOpenTelemetryBuilderExtensions.ExporterOptionsName);
            this.Open(settings, exporter, TargetInfoOf(meterProvider, exporter));
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Closing after every other service has stopped keeps /health answering 503 while the worker drains.
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        this.Close();
        return Task.CompletedTask;
    }

    public void Dispose() => this.Close();

    // The fallback begins with the target_info the exporter writes, from the same resource.
    private static TargetInfo? TargetInfoOf(MeterProvider? meterProvider, PrometheusHttpListenerOptions? exporter)
        => meterProvider is not null && exporter is { TargetInfoEnabled: true }
            ? TargetInfo.Of(meterProvider.GetResource())
            : null;

    private void Open(HatchetWorkerMetricsOptions settings, PrometheusHttpListenerOptions? exporter, TargetInfo? targetInfo)
    {
        var address = BindAddressOf(settings);
        var port = settings.HealthcheckPort;
        HealthcheckSocketServer server;
        try
        {
            this.ServeExporterPrivately();
            // The relay keeps the exporter's answers for the exporter's own cache window.
            var keep = TimeSpan.FromMilliseconds(Math.Max(0, exporter?.ScrapeResponseCacheDurationMilliseconds ?? 0));
            var relay = new ScrapeRelay(() => this.ExporterPort, health, targetInfo, keep, time, logger);
            server = HealthcheckSocketServer.Start(address.Resolve(), port, new ProbeEndpoints(health, settings), health, targetInfo, time, relay, logger);
        }
        catch (Exception exception)
        {
            // Whatever went wrong, the worker runs on without its healthcheck unless the user asked otherwise.
            this.StopServingExporter();
            if (settings.FailStartupIfHealthcheckUnavailable)
            {
                throw new InvalidOperationException(
                    $"Hatchet worker healthcheck could not listen on {address.Display}:{port}: {exception.Message}.", exception);
            }

            Log.PortUnavailable(logger, address.Display, port, exception.Message, exception);
            return;
        }

        lock (this.gate)
        {
            this.server = server;
            this.endpoint = (address.Display, port);
        }

        Log.Listening(logger, address.Display, port);
    }

    /// <summary>Gets the exporter's private loopback port while it is served.</summary>
    internal int? ExporterPort => Volatile.Read(ref this.exporterPort) is > 0 and var port ? port : null;

    // The private port is found by binding port 0 and letting go; another process may take it in between,
    // so a few attempts are made.
    private void ServeExporterPrivately()
    {
        if (this.exporterListener is not { } listener)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = UnusedLoopbackPort();
            var prefix = $"http://127.0.0.1:{port}/metrics/";
            try
            {
                listener.Prefixes.Add(prefix);
                this.exporterPrefix = prefix;
                Volatile.Write(ref this.exporterPort, port);
                return;
            }
            catch (HttpListenerException) when (attempt < PrivatePortAttempts)
            {
                // Taken since it was found unused: try another.
            }
        }
    }

    private void StopServingExporter()
    {
        Volatile.Write(ref this.exporterPort, 0);
        if (this.exporterPrefix is { } prefix)
        {
            this.exporterPrefix = null;
            try
            {
                this.exporterListener?.Prefixes.Remove(prefix);
            }
            catch (ObjectDisposedException)
            {
                // The MeterProvider was disposed first; its listener has already let go of the port.
            }
        }
    }

    private void Close()
    {
        HealthcheckSocketServer? running;
        lock (this.gate)
        {
            (running, this.server) = (this.server, null);
        }

        if (running is null)
        {
            return;
        }

        running.Dispose();
        this.StopServingExporter();
        Log.Stopped(logger, this.endpoint.Address, this.endpoint.Port);
    }

    private static int UnusedLoopbackPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    // The options validator has already refused any address that does not parse.
    private static HealthcheckBindAddress BindAddressOf(HatchetWorkerMetricsOptions settings)
        => HealthcheckBindAddress.TryParse(settings.HealthcheckBindAddress, out var address, out var problem)
            ? address!
            : throw new InvalidOperationException(problem);
}
