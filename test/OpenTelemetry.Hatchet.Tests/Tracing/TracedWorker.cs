using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// A worker host whose application asked for the package's spans (<c>WithTracing(t => t.AddHatchetInstrumentation())</c>,
/// exported in memory), the engine-like test dispatcher, and the worker's client wired with the interceptor, registered
/// and listening.
/// </summary>
internal sealed class TracedWorker : IAsyncDisposable
{
    private TracedWorker(WorkerHost host, TestDispatcher dispatcher, TestWorker worker, ExportedSpans spans)
    {
        this.Host = host;
        this.Dispatcher = dispatcher;
        this.Worker = worker;
        this.Spans = spans;
    }

    public WorkerHost Host { get; }

    public TestDispatcher Dispatcher { get; }

    public TestWorker Worker { get; }

    public ExportedSpans Spans { get; }

    public static async Task<TracedWorker> StartAsync(Action<HatchetInstrumentationOptions>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var spans = new ExportedSpans();
        var dispatcher = await TestDispatcher.StartAsync();
        var host = await WorkerHost.StartAsync(
            settings: settings,
            services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddHatchetInstrumentation(configure).AddInMemoryExporter(spans)));
        var interceptor = host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>();
        var worker = TestWorker.Intercepted(dispatcher.Address, interceptor);
        await worker.StartAsync();
        await Eventually.Until(() => dispatcher.OpenStreams > 0, "the worker to listen");
        return new TracedWorker(host, dispatcher, worker, spans);
    }

    /// <summary>A run of its own id, so that this test's spans are told from those of tests running beside it.</summary>
    public static AssignedAction NewRun(string? metadata = null)
    {
        var run = TestDispatcher.StartStepRun($"run-{Guid.NewGuid():N}", "orders:charge");
        run.TenantId = "tenant-1";
        run.WorkflowRunId = "workflow-run-1";
        run.JobName = "orders";
        run.TaskId = "task-1";
        run.TaskName = "charge";
        run.RetryCount = 2;
        run.ActionPayload = """{"input":{"amount":3}}""";
        if (metadata is not null)
        {
            run.AdditionalMetadata = metadata;
        }

        return run;
    }

    public Task SendAsync(AssignedAction run, StepActionEventType type, string payload = "")
        => this.Worker.Client.SendStepActionEventAsync(
            new StepActionEvent { WorkerId = this.Worker.WorkerId, TaskRunExternalId = run.TaskRunExternalId, ActionId = run.ActionId, EventType = type, EventPayload = payload },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync;

    public async ValueTask DisposeAsync()
    {
        await this.Worker.DisposeAsync();
        await this.Host.DisposeAsync();
        await this.Dispatcher.DisposeAsync();
    }
}
