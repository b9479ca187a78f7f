using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Logs;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Logs;

/// <summary>
/// A worker host whose application asked for the package's spans and for its task logs
/// (<c>WithTracing(t => t.AddHatchetInstrumentation(...)).WithLogging(l => l.AddHatchetTaskLogs())</c>), the engine
/// named as the log engine stand-in, the engine-like test dispatcher, and the worker's client wired with the
/// interceptor, registered and listening; with the drops counted on the host's own meters.
/// </summary>
internal sealed class LoggedWorker : IAsyncDisposable
{
    public const string Token = "t0k3n";

    private readonly MeterListener listener;

    private LoggedWorker(WorkerHost host, TestDispatcher dispatcher, TestWorker worker, LogEngine engine)
    {
        this.Host = host;
        this.Dispatcher = dispatcher;
        this.Worker = worker;
        this.Engine = engine;
        this.Logger = host.Host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orders.Charge");
        var meters = host.Host.Services.GetRequiredService<IMeterFactory>();
        this.listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (instrument.Name == TaskLogDrops.InstrumentName && instrument.Meter.Scope == meters)
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        this.listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    this.Dropped.AddOrUpdate((string)tag.Value!, value, (_, sum) => sum + value);
                }
            }
        });
        this.listener.Start();
    }

    public WorkerHost Host { get; }

    public TestDispatcher Dispatcher { get; }

    public TestWorker Worker { get; }

    public LogEngine Engine { get; }

    /// <summary>Gets a logger of the application, as a task's code gets one.</summary>
    public ILogger Logger { get; }

    /// <summary>Gets the records counted as dropped, by reason.</summary>
    public ConcurrentDictionary<string, long> Dropped { get; } = new();

    /// <summary>Starts a worker whose task logs go to <paramref name="engine"/>, named in code, or by <paramref name="settings"/> when given.</summary>
    public static async Task<LoggedWorker> StartAsync(Action<HatchetTaskLogOptions>? configure = null, LogEngine? engine = null, Dictionary<string, string?>? settings = null)
    {
        engine ??= await LogEngine.StartAsync();
        var dispatcher = await TestDispatcher.StartAsync();
        var host = await WorkerHost.StartAsync(settings: settings, services: services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddHatchetInstrumentation(options =>
            {
                if (settings is null)
                {
                    options.HatchetEngineAddress = engine.Address;
                    options.HatchetEngineToken = Token;
                }
            }))
            .WithLogging(logging => logging.AddHatchetTaskLogs(configure)));
        var worker = TestWorker.Intercepted(dispatcher.Address, host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>());
        await worker.StartAsync();
        await Eventually.Until(() => dispatcher.OpenStreams > 0, "the worker to listen");
        return new LoggedWorker(host, dispatcher, worker, engine);
    }

    /// <summary>A run of its own id (a UUID, as the engine's ids are), assigned, with retry count 2.</summary>
    public async Task<AssignedAction> AssignRunAsync()
    {
        var run = TestDispatcher.StartStepRun(Guid.NewGuid().ToString(), "orders:charge");
        run.RetryCount = 2;
        this.Dispatcher.Assign(run);
        await Eventually.Until(() => this.Host.Health.TaskRuns.Count > 0 && this.Worker.Received.Any(received => received.TaskRunExternalId == run.TaskRunExternalId), "the run to be assigned");
        return run;
    }

    public long DroppedFor(string reason) => this.Dropped.TryGetValue(reason, out var count) ? count : 0;

    public IEnumerable<PutLogRequest> AcceptedFor(AssignedAction run) => this.Engine.Accepted.Where(request => request.TaskRunExternalId == run.TaskRunExternalId);

    public async ValueTask DisposeAsync()
    {
        this.listener.Dispose();
        await this.Worker.DisposeAsync();
        await this.Host.DisposeAsync();
        await this.Dispatcher.DisposeAsync();
        await this.Engine.DisposeAsync();
    }
}
