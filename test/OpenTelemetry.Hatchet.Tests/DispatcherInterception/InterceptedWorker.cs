using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>A worker host with its healthcheck on, a test dispatcher, and the worker's client wired with the interceptor.</summary>
internal sealed class InterceptedWorker : IAsyncDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(2);

    private InterceptedWorker(WorkerHost host, TestDispatcher dispatcher, TestWorker worker)
    {
        this.Host = host;
        this.Dispatcher = dispatcher;
        this.Worker = worker;
    }

    public WorkerHost Host { get; }

    public TestDispatcher Dispatcher { get; }

    public TestWorker Worker { get; }

    public HealthcheckClient Client => this.Host.Client;

    public HatchetWorkerHealth Health => this.Host.Health;

    /// <summary>Starts host and dispatcher; the worker's client is wired but makes no call yet.</summary>
    public static async Task<InterceptedWorker> StartAsync(Action<HatchetWorkerMetricsOptions>? configure = null, TestWorker.Pace? pace = null, Action<IServiceCollection>? services = null)
    {
        var dispatcher = await TestDispatcher.StartAsync();
        var host = await WorkerHost.StartAsync(
            configure: options =>
            {
                options.ListenerConnectTimeout = ConnectTimeout;
                options.HeartbeatTimeout = HeartbeatTimeout;
                configure?.Invoke(options);
            },
            services: services);
        var interceptor = host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>();
        return new InterceptedWorker(host, dispatcher, TestWorker.Intercepted(dispatcher.Address, interceptor, pace));
    }

    /// <summary>Starts everything and waits until <c>/health</c> says HEALTHY.</summary>
    public static async Task<InterceptedWorker> StartHealthyAsync(Action<HatchetWorkerMetricsOptions>? configure = null, TestWorker.Pace? pace = null)
    {
        var worker = await StartAsync(configure, pace);
        await worker.Worker.StartAsync();
        await worker.WaitForAsync("/health", System.Net.HttpStatusCode.OK, "HEALTHY");
        return worker;
    }

    public Task<HealthcheckClient.Reply> WaitForAsync(string path, System.Net.HttpStatusCode status, string body, TimeSpan? timeout = null)
        => Eventually.Until(
            () => this.Client.GetAsync(path),
            reply => reply.Status == status && reply.Body.Contains(body, StringComparison.Ordinal),
            $"{path} to answer {(int)status} {body}",
            timeout);

    public async Task<double> MetricAsync(string series)
        => MetricsEndpointTests.SampleValue((await this.Client.GetAsync("/metrics")).Body, series);

    public async ValueTask DisposeAsync()
    {
        await this.Worker.DisposeAsync();
        await this.Host.DisposeAsync();
        await this.Dispatcher.DisposeAsync();
    }
}
