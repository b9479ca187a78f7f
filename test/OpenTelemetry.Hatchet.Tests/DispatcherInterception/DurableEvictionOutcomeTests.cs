using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// A durable run the engine takes off the worker, whether at the worker's request (<c>eviction_ack</c>) or by itself
/// (<c>server_evict</c>), ends with the outcome <c>evicted</c>: it comes back as a new assignment when it is restored,
/// so counting it <c>cancelled</c> would report a cancellation nobody asked for.
/// </summary>
public sealed class DurableEvictionOutcomeTests
{
    [Theory]
    [InlineData("eviction_ack")]
    [InlineData("server_evict")]
    public async Task Durable_run_the_engine_evicts_is_counted_evicted_never_cancelled(string eviction)
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        var cancel = TestContext.Current.CancellationToken;
        using var channel = GrpcChannel.ForAddress(worker.Dispatcher.Address);
        var interceptor = worker.Host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>();
        using var stream = new V1.V1Dispatcher.V1DispatcherClient(channel.Intercept(interceptor)).DurableTask(cancellationToken: cancel);
        await stream.RequestStream.WriteAsync(new V1.DurableTaskRequest { RegisterWorker = new V1.DurableTaskRequestRegisterWorker { WorkerId = worker.Worker.WorkerId } }, cancel);
        (await stream.ResponseStream.MoveNext(cancel)).Should().BeTrue("the engine answers the durable stream's registration");
        worker.Dispatcher.Assign(TestDispatcher.StartStepRun("durable-1", "example:durable"));
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 1, "the durable run assigned");
        await worker.Worker.SendAsync("durable-1", StepActionEventType.StepEventTypeStarted);

        if (eviction == "eviction_ack")
        {
            await stream.RequestStream.WriteAsync(new V1.DurableTaskRequest { EvictInvocation = new V1.DurableTaskEvictInvocationRequest { DurableTaskExternalId = "durable-1", InvocationCount = 1 } }, cancel);
        }
        else
        {
            worker.Dispatcher.EvictDurable("durable-1");
        }

        (await stream.ResponseStream.MoveNext(cancel)).Should().BeTrue();
        var scrape = (await Eventually.Until(
            () => worker.Client.GetAsync("/metrics"),
            reply => ScrapedSamples.Sum(reply.Body, "hatchet_task_run_ended_total") >= 1,
            "the run's end in a scrape",
            TimeSpan.FromSeconds(5))).Body;

        (stream.ResponseStream.Current.MessageCase.ToString() switch { "EvictionAck" => "eviction_ack", "ServerEvict" => "server_evict", var other => other })
            .Should().Be(eviction);
        ScrapedSamples.Sum(scrape, "hatchet_task_run_ended_total", "hatchet_task_run_outcome=\"evicted\"").Should().Be(1);
        ScrapedSamples.Sum(scrape, "hatchet_task_run_ended_total", "hatchet_task_run_outcome=\"cancelled\"").Should().Be(0);
        ScrapedSamples.Sum(scrape, "hatchet_task_run_duration_seconds_count", "hatchet_task_run_outcome=\"evicted\"").Should().Be(1);
        worker.Health.FreeSlots.Should().Be(10);
    }
}
