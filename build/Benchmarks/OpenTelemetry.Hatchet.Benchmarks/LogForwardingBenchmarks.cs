using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Benchmarks;

/// <summary>
/// What a task's log call costs its thread with task logs forwarded to the engine (<c>AddHatchetTaskLogs()</c>),
/// beside the same logger with the feature off: inside a run (the record formatted and queued), and with no run
/// current (the record looked at and left alone). The run is a real one, assigned through the interceptor and
/// joined with <c>JoinTaskRunTrace</c>; the logger is the host's, with the OpenTelemetry provider.
/// </summary>
/// <remarks>
/// Each iteration gets a fresh host whose queue has room for every record the iteration writes, so that what is timed
/// is a record queued, never one dropped; the cleanup checks that none was (the engine named is a closed port, so the
/// sender holds the queue after its first failed call). "feature off" has OpenTelemetry logging with no processor;
/// "a processor that does nothing" shows what the SDK's own record costs once any processor is there.
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[AddedToBaselineColumn]
[InvocationCount(Invocations, 1)]
public partial class LogForwardingBenchmarks
{
    private const int Records = 100;
    private const int Invocations = 1000;
    private const string InRun = "log call inside a run";
    private const string Constant = "constant text inside a run";
    private const string NoRun = "log call, no run current";
    private const string RunId = "5b1c3a52-7c0f-4f5e-9a51-0d8f3b0c2f11";

    private IHost host = null!;
    private ILogger logger = null!;
    private MeterListener drops = null!;
    private long dropped;

    [IterationSetup(Targets = [nameof(InRunOff), nameof(ConstantOff), nameof(NoRunOff)])]
    public void FeatureOff() => this.Start(forward: false, emptyProcessor: false);

    [IterationSetup(Targets = [nameof(InRunEmptyProcessor), nameof(ConstantEmptyProcessor), nameof(NoRunEmptyProcessor)])]
    public void EmptyProcessor() => this.Start(forward: false, emptyProcessor: true);

    [IterationSetup(Targets = [nameof(InRunOn), nameof(ConstantOn), nameof(NoRunOn)])]
    public void FeatureOn() => this.Start(forward: true, emptyProcessor: false);

    [IterationCleanup]
    public void Stop()
    {
        this.host.StopAsync().GetAwaiter().GetResult();
        this.host.Dispose();
        this.drops.Dispose();

        if (Interlocked.Read(ref this.dropped) > 0)
        {
            throw new InvalidOperationException($"{this.dropped} records were dropped: the benchmark timed drops, not queued records.");
        }
    }

    [BenchmarkCategory(InRun)]
    [Benchmark(Baseline = true, OperationsPerInvoke = Records, Description = "feature off")]
    public void InRunOff() => this.WriteInRun();

    [BenchmarkCategory(InRun)]
    [Benchmark(OperationsPerInvoke = Records, Description = "a processor that does nothing")]
    public void InRunEmptyProcessor() => this.WriteInRun();

    [BenchmarkCategory(InRun)]
    [Benchmark(OperationsPerInvoke = Records, Description = "forwarded")]
    public void InRunOn() => this.WriteInRun();

    [BenchmarkCategory(Constant)]
    [Benchmark(Baseline = true, OperationsPerInvoke = Records, Description = "feature off")]
    public void ConstantOff() => this.WriteConstantInRun();

    [BenchmarkCategory(Constant)]
    [Benchmark(OperationsPerInvoke = Records, Description = "a processor that does nothing")]
    public void ConstantEmptyProcessor() => this.WriteConstantInRun();

    [BenchmarkCategory(Constant)]
    [Benchmark(OperationsPerInvoke = Records, Description = "forwarded")]
    public void ConstantOn() => this.WriteConstantInRun();

    [BenchmarkCategory(NoRun)]
    [Benchmark(Baseline = true, OperationsPerInvoke = Records, Description = "feature off")]
    public void NoRunOff() => this.Write();

    [BenchmarkCategory(NoRun)]
    [Benchmark(OperationsPerInvoke = Records, Description = "a processor that does nothing")]
    public void NoRunEmptyProcessor() => this.Write();

    [BenchmarkCategory(NoRun)]
    [Benchmark(OperationsPerInvoke = Records, Description = "feature on, left alone")]
    public void NoRunOn() => this.Write();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "charged {Amount} cents")]
    private static partial void Charged(ILogger logger, int amount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "card accepted")]
    private static partial void Accepted(ILogger logger);

    private void WriteInRun()
    {
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(RunId))
        {
            this.Write();
        }
    }

    private void WriteConstantInRun()
    {
        using (HatchetDispatcherInterceptor.JoinTaskRunTrace(RunId))
        {
            for (var i = 0; i < Records; i++)
            {
                Accepted(this.logger);
            }
        }
    }

    private void Write()
    {
        for (var i = 0; i < Records; i++)
        {
            Charged(this.logger, 300);
        }
    }

    private void Start(bool forward, bool emptyProcessor)
    {
        var builder = Host.CreateEmptyApplicationBuilder(settings: null);
        builder.Services.AddOpenTelemetry()
            .WithHatchetWorkerMetrics(options => options.HealthcheckEnabled = false)
            .WithTracing(tracing => tracing.AddHatchetInstrumentation(options =>
            {
                options.HatchetEngineAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Unused()}");
                options.HatchetEngineToken = "bench";
            }))
            .WithLogging(logging =>
            {
                if (forward)
                {
                    logging.AddHatchetTaskLogs(options => options.QueueSize = (Records * Invocations) + 16);
                }

                if (emptyProcessor)
                {
                    logging.AddProcessor(new NothingProcessor());
                }
            });
        this.host = builder.Build();
        this.host.Start();
        this.logger = this.host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bench.Task");
        this.dropped = 0;
        var meters = this.host.Services.GetRequiredService<IMeterFactory>();
        this.drops = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (instrument.Name == "hatchet.task_logs.dropped" && instrument.Meter.Scope == meters)
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        this.drops.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            // Only a record the task's thread could not queue counts: the sender's failed calls to the closed port, and
            // the records still queued when the host stops, are dropped away from the timed thread.
            foreach (var tag in tags)
            {
                if (tag.Key == "reason" && (string?)tag.Value == "queue_full")
                {
                    Interlocked.Add(ref this.dropped, value);
                }
            }
        });
        this.drops.Start();

        // The run, assigned through the worker's intercepted listen stream, stays open: its span is the one joined.
        var run = new AssignedAction
        {
            TenantId = "tenant-1",
            WorkflowRunId = "workflow-run-1",
            TaskRunExternalId = RunId,
            ActionId = "bench:step",
            ActionType = ActionType.StartStepRun,
            RetryCount = 1,
        };
        var invoker = new CompletedCallInvoker([run]).Intercept(this.host.Services.GetRequiredService<HatchetDispatcherInterceptor>());
        using var call = new global::Dispatcher.DispatcherClient(invoker).ListenV2(new WorkerListenRequest { WorkerId = "worker-1" });
        while (call.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult())
        {
        }
    }

    private sealed class NothingProcessor : BaseProcessor<LogRecord>
    {
    }
}
