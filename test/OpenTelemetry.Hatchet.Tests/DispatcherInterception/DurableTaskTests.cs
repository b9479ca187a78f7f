using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>Durable runs the engine takes off the worker on the <c>V1Dispatcher</c> durable-task stream give their slot back.</summary>
public sealed class DurableTaskTests
{
    [Fact]
    public async Task Durable_run_evicted_at_the_workers_request_gives_its_slot_back_once_the_engine_acknowledges()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        using var channel = GrpcChannel.ForAddress(worker.Dispatcher.Address);
        using var stream = OpenDurableTaskStream(worker, channel);
        await AssignAsync(worker, "durable-1");

        await stream.RequestStream.WriteAsync(new V1.DurableTaskRequest { EvictInvocation = new V1.DurableTaskEvictInvocationRequest { DurableTaskExternalId = "durable-1", InvocationCount = 1 } }, TestContext.Current.CancellationToken);
        var beforeTheAck = worker.Health.FreeSlots;
        (await stream.ResponseStream.MoveNext(TestContext.Current.CancellationToken)).Should().BeTrue();

        beforeTheAck.Should().Be(9);
        stream.ResponseStream.Current.EvictionAck.DurableTaskExternalId.Should().Be("durable-1", "the caller reads the acknowledgement as it came");
        worker.Health.FreeSlots.Should().Be(10);
        worker.Health.TaskRuns.Count.Should().Be(0);
    }

    [Fact]
    public async Task Durable_run_the_engine_evicts_by_itself_gives_its_slot_back()
    {
        await using var worker = await InterceptedWorker.StartHealthyAsync();
        using var channel = GrpcChannel.ForAddress(worker.Dispatcher.Address);
        using var stream = OpenDurableTaskStream(worker, channel);
        await stream.RequestStream.WriteAsync(new V1.DurableTaskRequest { RegisterWorker = new V1.DurableTaskRequestRegisterWorker { WorkerId = worker.Worker.WorkerId } }, TestContext.Current.CancellationToken);
        (await stream.ResponseStream.MoveNext(TestContext.Current.CancellationToken)).Should().BeTrue();
        await AssignAsync(worker, "durable-1");

        worker.Dispatcher.EvictDurable("durable-1");
        (await stream.ResponseStream.MoveNext(TestContext.Current.CancellationToken)).Should().BeTrue();

        stream.ResponseStream.Current.ServerEvict.DurableTaskExternalId.Should().Be("durable-1");
        worker.Health.FreeSlots.Should().Be(10);
    }

    // The worker's V1Dispatcher client, wired with the same interceptor as its dispatcher client.
    private static AsyncDuplexStreamingCall<V1.DurableTaskRequest, V1.DurableTaskResponse> OpenDurableTaskStream(InterceptedWorker worker, GrpcChannel channel)
        => new V1.V1Dispatcher.V1DispatcherClient(channel.Intercept(worker.Host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>()))
            .DurableTask(cancellationToken: TestContext.Current.CancellationToken);

    private static async Task AssignAsync(InterceptedWorker worker, string id)
    {
        worker.Dispatcher.Assign(TestDispatcher.StartStepRun(id, "example:durable"));
        await Eventually.Until(() => worker.Health.TaskRuns.Count == 1, "the durable run assigned");
        await worker.Worker.SendAsync(id, StepActionEventType.StepEventTypeStarted);
    }
}
