using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Grpc.Core;
using Grpc.Core.Interceptors;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// What tracing adds to <see cref="HatchetDispatcherInterceptor"/>: the same task-run assignment read (and run triggered) bare, through
/// the interceptor with no tracing asked for (the package's source has no listener), and through the interceptor
/// with a TracerProvider that asked for the package's spans (every span sampled, no exporter: the export is the
/// application's, not the package's cost). Answered in memory, so only the client's work is timed.
/// </summary>
/// <remarks>
/// The run ids repeat every <see cref="Messages"/> messages, so each assignment also ends an earlier run: a traced
/// assignment's cost is a span begun and one ended. Ratio is against the bare read, "Added ns" what the interceptor
/// adds, both from the same run.
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[AddedToBaselineColumn]
public class TracingBenchmarks
{
    private const string Assignment = "ListenV2 assignment";
    private const string Trigger = "TriggerWorkflow call";
    private const int Messages = 1000;

    private readonly WorkerListenRequest listen = new() { WorkerId = "worker-1" };
    private HatchetWorker worker = null!;
    private global::Dispatcher.DispatcherClient plain = null!;
    private global::Dispatcher.DispatcherClient intercepted = null!;
    private WorkflowService.WorkflowServiceClient plainWorkflows = null!;
    private WorkflowService.WorkflowServiceClient interceptedWorkflows = null!;
    private readonly V1.TriggerWorkflowRequest trigger = new()
    {
        Name = "orders",
        Input = """{"amount":3}""",
        AdditionalMetadata = """{"customer":"c-7","tenant":"acme"}""",
        Priority = 1,
    };
    private TracerProvider? tracing;

    [GlobalSetup]
    public void Setup()
    {
        var stream = Enumerable.Range(0, Messages)
            .Select(index => (object)new AssignedAction
            {
                TenantId = "tenant-1",
                WorkflowRunId = $"workflow-run-{index}",
                TaskId = "task-1",
                TaskRunExternalId = $"run-{index}",
                ActionId = "bench:step",
                JobName = "bench",
                TaskName = "step",
                ActionType = ActionType.StartStepRun,
                ActionPayload = """{"input":{"amount":3}}""",
                AdditionalMetadata = """{"customer":"c-7","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}""",
            })
            .ToArray();
        this.worker = HatchetWorker.Start(healthcheck: false);
        var invoker = new CompletedCallInvoker(stream);
        this.plain = new global::Dispatcher.DispatcherClient(invoker);
        this.intercepted = new global::Dispatcher.DispatcherClient(invoker.Intercept(this.worker.Interceptor));
        this.plainWorkflows = new WorkflowService.WorkflowServiceClient(invoker);
        this.interceptedWorkflows = new WorkflowService.WorkflowServiceClient(invoker.Intercept(this.worker.Interceptor));
    }

    [GlobalSetup(Targets = [nameof(ListenTraced), nameof(TriggerTraced)])]
    public void SetupTraced()
    {
        this.Setup();
        this.tracing = Sdk.CreateTracerProviderBuilder().AddHatchetInstrumentation().SetSampler(new AlwaysOnSampler()).Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        this.tracing?.Dispose();
        this.tracing = null;
        this.worker.Dispose();
    }

    [BenchmarkCategory(Assignment)]
    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "assignment, without the interceptor")]
    public Task<int> ListenWithout() => Read(this.plain.ListenV2(this.listen));

    [BenchmarkCategory(Assignment)]
    [Benchmark(OperationsPerInvoke = Messages, Description = "assignment, intercepted, tracing not asked for")]
    public Task<int> ListenNotTraced() => Read(this.intercepted.ListenV2(this.listen));

    [BenchmarkCategory(Assignment)]
    [Benchmark(OperationsPerInvoke = Messages, Description = "assignment, intercepted and traced")]
    public Task<int> ListenTraced() => Read(this.intercepted.ListenV2(this.listen));

    [BenchmarkCategory(Trigger)]
    [Benchmark(Baseline = true, Description = "trigger, without the interceptor")]
    public TriggerWorkflowResponse TriggerWithout() => this.plainWorkflows.TriggerWorkflowAsync(this.trigger).ResponseAsync.Result;

    [BenchmarkCategory(Trigger)]
    [Benchmark(Description = "trigger, intercepted, tracing not asked for")]
    public TriggerWorkflowResponse TriggerNotTraced() => this.interceptedWorkflows.TriggerWorkflowAsync(this.trigger).ResponseAsync.Result;

    [BenchmarkCategory(Trigger)]
    [Benchmark(Description = "trigger, intercepted and traced")]
    public TriggerWorkflowResponse TriggerTraced() => this.interceptedWorkflows.TriggerWorkflowAsync(this.trigger).ResponseAsync.Result;

    private static async Task<int> Read(AsyncServerStreamingCall<AssignedAction> call)
    {
        using (call)
        {
            var read = 0;
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                read += call.ResponseStream.Current.ActionPayload.Length > 0 ? 1 : 0;
            }

            Debug.Assert(read == Messages, "every message is read");
            return read;
        }
    }
}
