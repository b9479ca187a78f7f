using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// What <see cref="HatchetDispatcherInterceptor"/> adds to a generated Hatchet client's calls: the same call
/// on the same client with and without it, answered in memory so that only the client's work is timed.
/// </summary>
/// <remarks>
/// Streamed messages are task-run assignments (<c>START_STEP_RUN</c>), read and tracked as a worker's
/// would be; their ids repeat every <see cref="Messages"/>, so each is also the inferred end of an
/// earlier run. A stream of <c>START_GET_GROUP_KEY</c> messages, which are read but track nothing, shows
/// the reading alone. The payload size shows that a message is never copied.
/// <para>
/// Each kind of call or message is a category with its own baseline, the same call or message without the
/// interceptor: Ratio is intercepted ÷ bare, and "Added ns" is what the interceptor adds to each call or
/// message (intercepted − bare), both from the same run.
/// </para>
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[AddedToBaselineColumn]
public class DispatcherInterceptorBenchmarks
{
    private const string HeartbeatCall = "Heartbeat call";
    private const string OtherCall = "Other service's call";
    private const string ListenMessage = "ListenV2 message";

    private const int Messages = 1000;

    private static readonly Method<string, string> OtherMethod = new(MethodType.Unary, "Other", "Call", Marshallers.StringMarshaller, Marshallers.StringMarshaller);

    private HatchetWorker worker = null!;
    private global::Dispatcher.DispatcherClient plain = null!;
    private global::Dispatcher.DispatcherClient intercepted = null!;
    private CallInvoker plainInvoker = null!;
    private CallInvoker interceptedInvoker = null!;
    private global::Dispatcher.DispatcherClient interceptedGroupKeys = null!;
    private readonly HeartbeatRequest heartbeat = new() { WorkerId = "worker-1" };
    private readonly WorkerListenRequest listen = new() { WorkerId = "worker-1" };

    /// <summary>Gets or sets the size of each streamed task's input.</summary>
    [Params(16, 1_000_000)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var payload = new string('x', this.PayloadBytes);
        var stream = Enumerable.Range(0, Messages)
            .Select(index => (object)new AssignedAction { TaskRunExternalId = $"run-{index}", ActionId = "bench:step", ActionType = ActionType.StartStepRun, ActionPayload = payload })
            .ToArray();
        this.worker = HatchetWorker.Start(healthcheck: false);
        this.plainInvoker = new CompletedCallInvoker(stream);
        this.interceptedInvoker = this.plainInvoker.Intercept(this.worker.Interceptor);
        this.plain = new global::Dispatcher.DispatcherClient(this.plainInvoker);
        this.intercepted = new global::Dispatcher.DispatcherClient(this.interceptedInvoker);
        var groupKeys = stream.Select(message => (object)new AssignedAction((AssignedAction)message) { ActionType = ActionType.StartGetGroupKey }).ToArray();
        this.interceptedGroupKeys = new global::Dispatcher.DispatcherClient(new CompletedCallInvoker(groupKeys).Intercept(this.worker.Interceptor));
    }

    [GlobalCleanup]
    public void Cleanup() => this.worker.Dispose();

    [BenchmarkCategory(HeartbeatCall)]
    [Benchmark(Baseline = true, Description = "Heartbeat, without")]
    public HeartbeatResponse HeartbeatWithout() => this.plain.HeartbeatAsync(this.heartbeat).ResponseAsync.Result;

    [BenchmarkCategory(HeartbeatCall)]
    [Benchmark(Description = "Heartbeat, intercepted")]
    public HeartbeatResponse HeartbeatIntercepted() => this.intercepted.HeartbeatAsync(this.heartbeat).ResponseAsync.Result;

    [BenchmarkCategory(OtherCall)]
    [Benchmark(Baseline = true, Description = "other service's call, without")]
    public string OtherWithout() => this.plainInvoker.AsyncUnaryCall(OtherMethod, null, default, "request").ResponseAsync.Result;

    [BenchmarkCategory(OtherCall)]
    [Benchmark(Description = "other service's call, intercepted")]
    public string OtherIntercepted() => this.interceptedInvoker.AsyncUnaryCall(OtherMethod, null, default, "request").ResponseAsync.Result;

    [BenchmarkCategory(ListenMessage)]
    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "ListenV2 message, without")]
    public Task<int> ListenWithout() => Read(this.plain.ListenV2(this.listen));

    [BenchmarkCategory(ListenMessage)]
    [Benchmark(OperationsPerInvoke = Messages, Description = "ListenV2 message: one assignment, intercepted")]
    public Task<int> ListenIntercepted() => Read(this.intercepted.ListenV2(this.listen));

    [BenchmarkCategory(ListenMessage)]
    [Benchmark(OperationsPerInvoke = Messages, Description = "ListenV2 message: not a task run (read only), intercepted")]
    public Task<int> ListenReadOnlyIntercepted() => Read(this.interceptedGroupKeys.ListenV2(this.listen));

    private static async Task<int> Read(AsyncServerStreamingCall<AssignedAction> call)
    {
        using (call)
        {
            var read = 0;
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                read += call.ResponseStream.Current.ActionPayload.Length > 0 ? 1 : 0;
            }

            return read;
        }
    }
}
