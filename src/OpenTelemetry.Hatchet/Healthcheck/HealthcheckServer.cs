using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// Owns the healthcheck port for the host's lifetime: opens it when the host starts, closes it when the
/// host has stopped, and keeps the worker running if it cannot be opened.
/// </summary>
/// <remarks>
/// Two HttpListeners share the port. The Prometheus exporter's serves <c>/metrics</c>; ours has the root
/// prefix and so gets every other path, since the managed HttpListener routes a request to the longest
/// matching prefix. The exporter creates its listener when the MeterProvider is built and hands it to
/// <see cref="AttachExporterListener"/> with no prefixes; the prefixes are added here, in
/// <see cref="StartingAsync"/>, and removed in <see cref="StoppedAsync"/>. A live HttpListener binds the
/// socket when a prefix is added and releases it when the last one is removed, so the port follows the
/// host rather than the MeterProvider, and a taken port surfaces here as an exception we can handle
/// instead of failing the MeterProvider.
/// </remarks>
internal sealed class HealthcheckServer(
    IOptions<HatchetWorkerMetricsOptions> options,
    HatchetWorkerHealth health,
    IServiceProvider services,
    ILogger<HealthcheckServer> logger) : IHostedLifecycleService, IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private HttpListener? exporterListener;
    private HttpListener? healthListener;
    private Task? acceptLoop;
    private string[] exporterPrefixes = [];
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
        if (!settings.HealthcheckEnabled)
        {
            return Task.CompletedTask;
        }

        // Building the MeterProvider creates the exporter's listener; OpenTelemetry's own hosted service
        // would build it moments later, and asking for it here makes the order certain.
        _ = services.GetService<MeterProvider>();
        this.Open(settings);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Closing after every other service has stopped keeps /health answering 503 while the worker drains.
    public Task StoppedAsync(CancellationToken cancellationToken) => this.CloseAsync();

    public void Dispose() => this.CloseAsync().GetAwaiter().GetResult();

    private void Open(HatchetWorkerMetricsOptions settings)
    {
        var address = BindAddressOf(settings);
        var port = settings.HealthcheckPort;
        var healthPrefixes = address.ListenerHosts.Select(host => $"http://{host}:{port}/").ToArray();
        var exporterPrefixes = address.ListenerHosts.Select(host => $"http://{host}:{port}/metrics/").ToArray();
        HttpListener? listener = null;
        try
        {
            listener = HttpListenerStartup.Start(healthPrefixes, logger);
            foreach (var prefix in exporterPrefixes)
            {
                this.exporterListener?.Prefixes.Add(prefix);
            }
        }
        catch (Exception exception)
        {
            // Whatever went wrong, the worker runs on without its healthcheck unless the user asked otherwise.
            this.RemoveExporterPrefixes(exporterPrefixes);
            listener?.Close();
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
            this.healthListener = listener;
            this.exporterPrefixes = exporterPrefixes;
            this.endpoint = (address.Display, port);
            this.acceptLoop = Task.Run(() => this.AcceptAsync(listener));
        }

        Log.Listening(logger, address.Display, port);
    }

    private async Task CloseAsync()
    {
        HttpListener? listener;
        Task? loop;
        string[] prefixes;
        lock (this.gate)
        {
            (listener, loop, prefixes) = (this.healthListener, this.acceptLoop, this.exporterPrefixes);
            (this.healthListener, this.acceptLoop, this.exporterPrefixes) = (null, null, []);
        }

        if (listener is null)
        {
            return;
        }

        this.RemoveExporterPrefixes(prefixes);
        listener.Close();
        try
        {
            await loop!.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Closing the listener ends the loop at once; if it has not, stopping the host must not wait on it.
        }

        Log.Stopped(logger, this.endpoint.Address, this.endpoint.Port);
    }

    // The options validator has already refused any address that does not parse.
    private static HealthcheckBindAddress BindAddressOf(HatchetWorkerMetricsOptions settings)
        => HealthcheckBindAddress.TryParse(settings.HealthcheckBindAddress, out var address, out var problem)
            ? address!
            : throw new InvalidOperationException(problem);

    private void RemoveExporterPrefixes(string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
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

    private async Task AcceptAsync(HttpListener listener)
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (!listener.IsListening || exception is ObjectDisposedException)
            {
                return;
            }
            catch (Exception exception)
            {
                // One failed accept must not silence /health for the rest of the worker's life.
                Log.AcceptFailed(logger, exception);
                continue;
            }

            _ = this.RespondAsync(context);
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        try
        {
            await HealthEndpoint.RespondAsync(context, health.Status).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // A client that hangs up mid-response must never take the worker down.
            Log.RequestFailed(logger, exception);
            context.Response.Abort();
        }
    }
}
