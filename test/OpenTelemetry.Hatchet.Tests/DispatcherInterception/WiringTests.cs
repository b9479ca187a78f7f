using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using GrpcStatus = Grpc.Core.Status;
using Renamed = Elsewhere.Generated.HatchetClient;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>The two ways a user wires the interceptor, and what it leaves alone.</summary>
public sealed class WiringTests
{
    [Fact]
    public async Task Client_from_the_grpc_client_factory_with_AddInterceptor_drives_the_health()
    {
        await using var dispatcher = await TestDispatcher.StartAsync();
        await using var host = await WorkerHost.StartAsync(
            configure: options => options.HeartbeatTimeout = InterceptedWorker.HeartbeatTimeout,
            services: services => services
                .AddGrpcClient<global::Dispatcher.DispatcherClient>(client => client.Address = dispatcher.Address)
                .AddInterceptor<HatchetDispatcherInterceptor>());
        await using var worker = TestWorker.On(host.Host.Services.GetRequiredService<global::Dispatcher.DispatcherClient>());
        (await host.Client.GetAsync("/health")).Body.Should().Contain("STARTING");

        await worker.StartAsync();

        await Eventually.Until(() => host.Client.GetAsync("/health"), reply => reply.Status == HttpStatusCode.OK, "HEALTHY");
        dispatcher.BreakStreams();
        dispatcher.RefuseListen = true;
        await Eventually.Until(() => host.Client.GetAsync("/health"), reply => reply.Body.Contains("UNHEALTHY", StringComparison.Ordinal), "UNHEALTHY after the break");
    }

    [Fact]
    public async Task Client_generated_into_another_namespace_with_other_names_drives_the_health_the_same()
    {
        await using var dispatcher = await TestDispatcher.StartAsync();
        await using var host = await WorkerHost.StartAsync(configure: options => options.HeartbeatTimeout = InterceptedWorker.HeartbeatTimeout);
        using var channel = GrpcChannel.ForAddress(dispatcher.Address);
        var client = new Renamed.Dispatcher.DispatcherClient(channel.Intercept(host.Host.Services.GetRequiredService<HatchetDispatcherInterceptor>()));
        var cancel = TestContext.Current.CancellationToken;

        var enrolled = await client.RegisterAsync(new Renamed.Enrolment { Who = "renamed-worker", CanDo = { "a", "b", "c" }, Capacities = { ["default"] = 5, ["durable"] = 3 } }, cancellationToken: cancel);
        using var listen = client.ListenV2(new Renamed.Subscription { Id = enrolled.Id }, cancellationToken: cancel);
        var reading = Task.Run(async () => await listen.ResponseStream.MoveNext(cancel), cancel);
        await Eventually.Until(() => dispatcher.OpenStreams == 1, "the stream to open");
        await client.HeartbeatAsync(new Renamed.Pulse { Id = enrolled.Id }, cancellationToken: cancel);
        await Eventually.Until(() => host.Health.Status == HatchetWorkerStatus.Healthy, "the heartbeat to count once the stream has settled");
        dispatcher.Assign(TestDispatcher.StartStepRun("run-1", "a"));
        (await reading).Should().BeTrue();
        await Eventually.Until(() => host.Health.TaskRuns.Count == 1, "run-1 to be tracked");
        var slotsWhileAssigned = host.Health.FreeSlots;
        await client.SendStepActionEventAsync(new Renamed.JobNews { Run = "run-1", Kind = Renamed.NewsKind.NewsBegun }, cancellationToken: cancel);
        await client.SendStepActionEventAsync(new Renamed.JobNews { Run = "run-1", Kind = Renamed.NewsKind.NewsDone }, cancellationToken: cancel);

        host.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
        host.Health.Description!.Name.Should().Be("renamed-worker");
        (await SampleAsync(host, "hatchet_worker_actions")).Should().Be(3);
        slotsWhileAssigned.Should().Be(7, "8 slots from slot_config, one held by run-1");
        // The exporter caches a scrape for a moment, so the end is waited for.
        var ended = await Eventually.Until(() => host.Client.GetAsync("/metrics"), reply => reply.Body.Contains("hatchet_task_run_ended_total", StringComparison.Ordinal), "the run's end in a scrape");
        MetricsEndpointTests.SampleValue(ended.Body, "hatchet_worker_slots").Should().Be(8);
        ended.Body.Should().MatchRegex("""(?m)^hatchet_task_run_ended_total\{[^}]*hatchet_action_name="a"[^}]*hatchet_task_run_outcome="completed"[^}]*\} 1""");
        listen.Dispose();
    }

    [Fact]
    public void Calls_to_other_services_pass_through_as_the_same_call()
    {
        var interceptor = new HatchetDispatcherInterceptor(new HatchetWorkerHealth());
        var method = new Method<string, string>(MethodType.Unary, "Other", "Call", Marshallers.StringMarshaller, Marshallers.StringMarshaller);
        var call = new AsyncUnaryCall<string>(Task.FromResult("answer"), Task.FromResult(new Metadata()), () => GrpcStatus.DefaultSuccess, () => [], () => { });
        string? sent = null;

        var returned = interceptor.AsyncUnaryCall("request", new ClientInterceptorContext<string, string>(method, null, default), (request, _) =>
        {
            sent = request;
            return call;
        });

        returned.Should().BeSameAs(call);
        sent.Should().BeSameAs("request");
    }

    [Fact]
    public async Task Dispatcher_unary_calls_are_returned_as_they_came_and_their_failures_reach_the_caller_unchanged()
    {
        var interceptor = new HatchetDispatcherInterceptor(new HatchetWorkerHealth());
        var method = new Method<HeartbeatRequest, HeartbeatResponse>(MethodType.Unary, "Dispatcher", "Heartbeat", Marshallers.Create((HeartbeatRequest _) => [], _ => new HeartbeatRequest()), Marshallers.Create((HeartbeatResponse _) => [], _ => new HeartbeatResponse()));
        var refusal = new RpcException(new GrpcStatus(StatusCode.FailedPrecondition, "the listener should reconnect"));
        var call = new AsyncUnaryCall<HeartbeatResponse>(Task.FromException<HeartbeatResponse>(refusal), Task.FromResult(new Metadata()), () => refusal.Status, () => [], () => { });

        var returned = interceptor.AsyncUnaryCall(new HeartbeatRequest(), new ClientInterceptorContext<HeartbeatRequest, HeartbeatResponse>(method, null, default), (_, _) => call);

        returned.Should().BeSameAs(call);
        (await returned.Invoking(async answer => await answer).Should().ThrowAsync<RpcException>()).Which.Should().BeSameAs(refusal);
    }

    private static async Task<double> SampleAsync(WorkerHost host, string metric)
        => MetricsEndpointTests.SampleValue((await host.Client.GetAsync("/metrics")).Body, metric);
}
