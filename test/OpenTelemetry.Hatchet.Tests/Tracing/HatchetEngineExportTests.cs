using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.DispatcherInterception;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// Spans sent to the Hatchet engine when the application names it, as the Python SDK's
/// <c>enable_hatchet_otel_collector</c> sends them (instrumentor.py lines 349-374 at upstream 89d130f): OTLP/gRPC with
/// the bearer token, and a task's own spans given the run's <c>hatchet.*</c> attributes (lines 123-138).
/// </summary>
public sealed class HatchetEngineExportTests
{
    [Theory]
    [InlineData(false, "hatchet.start_step_run")]
    [InlineData(true, "hatchet.start_step_run.orders:charge")]
    public async Task Run_span_and_the_tasks_own_span_reach_the_engine_with_the_bearer_token_and_the_run_attributes(bool includeTaskName, string runSpanName)
    {
        await using var engine = await TraceReceiver.StartAsync();
        await using var dispatcher = await TestDispatcher.StartAsync();
        using var appSource = new ActivitySource($"App.{Guid.NewGuid():N}");
        var host = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(appSource.Name)
            .AddHatchetInstrumentation(options =>
            {
                options.HatchetEngineAddress = engine.Endpoint;
                options.HatchetEngineToken = "t0k3n";
                options.IncludeTaskNameInStartStepRunSpanName = includeTaskName;
            })));
        var run = TracedWorker.NewRun();
        await using (var worker = TestWorker.Intercepted(dispatcher.Address, host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>()))
        {
            await worker.StartAsync();
            await Eventually.Until(() => dispatcher.OpenStreams > 0, "the worker to listen");
            dispatcher.Assign(run);
            await Eventually.Until(() => host.Health.TaskRuns.Count > 0, "the run to be assigned");
            using (HatchetDispatcherInterceptor.JoinTaskRunTrace(run.TaskRunExternalId))
            {
                appSource.StartActivity("charge card")?.Dispose();
            }

            await worker.SendAsync(run.TaskRunExternalId, StepActionEventType.StepEventTypeCompleted);
        }

        // Stopping the host flushes the batch the spans wait in.
        await host.DisposeAsync();
        var (span, _, authorization) = await engine.SpanAsync(runSpanName, run.TaskRunExternalId);
        var (own, ownScope, _) = await engine.SpanAsync("charge card", run.TaskRunExternalId);

        authorization.Should().Be("Bearer t0k3n");
        ownScope.Should().Be(appSource.Name);
        own.ParentSpanId.Should().Equal(span.SpanId);
        own.Attributes.Should().Contain(attribute => attribute.Key == "hatchet.workflow_run_id" && attribute.Value.StringValue == "workflow-run-1");
    }

    [Fact]
    public async Task Engine_address_without_a_token_stops_startup_naming_both_settings()
    {
        var start = () => WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddHatchetInstrumentation(options => options.HatchetEngineAddress = new Uri("https://engine.example:7070"))));

        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain("HatchetEngineToken").And.Contain("HatchetEngineAddress='https://engine.example:7070/'");
    }
}
