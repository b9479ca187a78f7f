using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// An application's clients of the engine's workflow, admin and event services on one channel wired with
/// <c>channel.Intercept(interceptor)</c>, as a user wires them, a stand-in engine, and the spans the OpenTelemetry SDK
/// exports, read from its in-memory exporter.
/// </summary>
internal sealed class TracedClient : IAsyncDisposable
{
    private readonly ExportedSpans exported = new();
    private readonly TracerProvider? provider;
    private readonly GrpcChannel channel;

    private TracedClient(TracingEngine engine, HatchetInstrumentationOptions options, bool listened, Sampler? sampler)
    {
        this.Engine = engine;
        if (listened)
        {
            var builder = Sdk.CreateTracerProviderBuilder().AddHatchetInstrumentation().AddInMemoryExporter(this.exported);
            this.provider = (sampler is null ? builder : builder.SetSampler(sampler)).Build();
        }

        this.channel = GrpcChannel.ForAddress(engine.Address);
        var interceptor = new HatchetDispatcherInterceptor(new HatchetWorkerHealth(), tracing: options);

        // The probe is nearer the wire than the interceptor: it sees the call as the interceptor passes it on.
        var invoker = this.channel.Intercept(new Probe(this)).Intercept(interceptor);
        this.Invoker = invoker;
        this.Workflows = new WorkflowService.WorkflowServiceClient(invoker);
        this.Admin = new V1.AdminService.AdminServiceClient(invoker);
        this.Events = new EventsService.EventsServiceClient(invoker);
    }

    public TracingEngine Engine { get; }

    /// <summary>Gets the intercepted channel, for clients generated from other protos.</summary>
    public CallInvoker Invoker { get; }

    public WorkflowService.WorkflowServiceClient Workflows { get; }

    public V1.AdminService.AdminServiceClient Admin { get; }

    public EventsService.EventsServiceClient Events { get; }

    /// <summary>Gets the current activity at the moment each call was passed on by the interceptor.</summary>
    public ConcurrentQueue<Activity?> CurrentWhenSent { get; } = new();

    /// <summary>Starts an engine and a client whose spans a TracerProvider with <c>AddHatchetInstrumentation()</c> exports.</summary>
    /// <param name="configure">Sets the interceptor's options.</param>
    /// <param name="sampler">The provider's sampler, instead of the SDK's default (the parent's decision, or sampled).</param>
    public static Task<TracedClient> StartAsync(Action<HatchetInstrumentationOptions>? configure = null, Sampler? sampler = null) => StartAsync(configure, listened: true, sampler);

    /// <summary>Starts an engine and a client while no TracerProvider, nor any listener, asks for the package's spans.</summary>
    public static Task<TracedClient> StartUnlistenedAsync() => StartAsync(configure: null, listened: false, sampler: null);

    /// <summary>The spans exported once <paramref name="count"/> have ended (a call's span ends beside the caller's wait).</summary>
    public async Task<IReadOnlyList<Activity>> SpansAsync(int count)
    {
        await Eventually.Until(() => this.Exported().Count >= count, $"{count} spans to end");
        var spans = this.Exported();
        spans.Should().HaveCount(count, "no more spans than expected are made");
        return spans;
    }

    /// <summary>The one span a call made.</summary>
    public async Task<Activity> SpanAsync() => (await this.SpansAsync(1))[0];

    /// <summary>The spans exported so far.</summary>
    public IReadOnlyList<Activity> Exported() => this.exported.Snapshot();

    public async ValueTask DisposeAsync()
    {
        this.provider?.Dispose();
        this.channel.Dispose();
        await this.Engine.DisposeAsync();
    }

    private static async Task<TracedClient> StartAsync(Action<HatchetInstrumentationOptions>? configure, bool listened, Sampler? sampler)
    {
        var options = new HatchetInstrumentationOptions();
        configure?.Invoke(options);
        return new TracedClient(await TracingEngine.StartAsync(), options, listened, sampler);
    }

    // The exporter adds spans on the thread that ends them while a test reads them.
    private sealed class ExportedSpans : System.Collections.ObjectModel.Collection<Activity>
    {
        private readonly Lock gate = new();

        public Activity[] Snapshot()
        {
            lock (this.gate)
            {
                return [.. this.Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (this.gate)
            {
                base.InsertItem(index, item);
            }
        }
    }

    private sealed class Probe(TracedClient client) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            client.CurrentWhenSent.Enqueue(Activity.Current);
            return continuation(request, context);
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            client.CurrentWhenSent.Enqueue(Activity.Current);
            return continuation(request, context);
        }
    }
}
