using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>
/// A Generic Host set up the way a user sets up a worker, with the Hatchet variables supplied through
/// configuration (as the host supplies the environment) so that tests running in parallel do not share them.
/// </summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private WorkerHost(IHost host, int port, CapturedLogs logs)
    {
        this.Host = host;
        this.Port = port;
        this.Logs = logs;
    }

    public IHost Host { get; }

    public int Port { get; }

    public CapturedLogs Logs { get; }

    public HatchetWorkerHealth Health => this.Host.Services.GetRequiredService<HatchetWorkerHealth>();

    public HealthcheckClient Client => new(this.Port);

    /// <summary>Builds a host with the healthcheck enabled on a free port unless the settings say otherwise.</summary>
    public static WorkerHost Build(
        IDictionary<string, string?>? settings = null,
        Action<HatchetWorkerMetricsOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        int? port = null)
    {
        var chosenPort = port ?? FreeTcpPort.Next();
        var configuration = new Dictionary<string, string?>
        {
            [HatchetVariables.Enabled] = "true",
            [HatchetVariables.Port] = chosenPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [HatchetVariables.BindAddress] = "127.0.0.1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        // DisableDefaults keeps the machine's own environment variables out of the test.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        var logs = new CapturedLogs();
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddOpenTelemetry().WithHatchetWorkerMetrics(configure);
        services?.Invoke(builder.Services);
        return new WorkerHost(builder.Build(), chosenPort, logs);
    }

    public static async Task<WorkerHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<HatchetWorkerMetricsOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        int? port = null)
    {
        var host = Build(settings, configure, services, port);
        await host.Host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await this.Host.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            // Some tests stop the host themselves, or never started it.
        }

        this.Host.Dispose();
    }
}
