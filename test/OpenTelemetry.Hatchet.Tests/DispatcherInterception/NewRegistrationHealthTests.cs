using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.DispatcherInterception;

/// <summary>
/// A new registration (after <c>Unsubscribe</c>, or a worker registering again) is judged as the first start was:
/// <c>STARTING</c> until its own listen stream connects, <c>UNHEALTHY</c> only once the connect timeout has passed,
/// whatever the earlier registration's connection did.
/// </summary>
/// <remarks>
/// The worker's calls are made one by one here, with no background loops, so that nothing but the call under test
/// reaches the interceptor between two readings of <c>/health</c>.
/// </remarks>
public sealed class NewRegistrationHealthTests
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(4);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task New_registration_whose_first_listen_is_refused_is_starting_until_the_connect_timeout_then_unhealthy(bool unsubscribedFirst)
    {
        await using var worker = await InterceptedWorker.StartAsync(options =>
        {
            options.ListenerConnectTimeout = ConnectTimeout;
            options.HealthEndpointIncludesDetails = true;
        });
        var cancel = TestContext.Current.CancellationToken;
        var client = worker.Worker.Client;
        await using var first = await Connection.OpenHealthyAsync(worker);
        if (unsubscribedFirst)
        {
            await client.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = first.WorkerId }, cancellationToken: cancel);
        }

        worker.Dispatcher.RefuseListen = true;
        var clock = Stopwatch.StartNew();
        var registered = await client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
        using var refused = client.ListenV2(new WorkerListenRequest { WorkerId = registered.WorkerId }, cancellationToken: cancel);
        var refusal = await refused.Invoking(call => call.ResponseStream.MoveNext(cancel)).Should().ThrowAsync<RpcException>();
        var afterRefusal = await worker.Client.GetAsync("/health");
        var readAfter = clock.Elapsed;
        var unhealthy = await worker.WaitForAsync("/health", HttpStatusCode.ServiceUnavailable, "\"status\":\"UNHEALTHY\"", timeout: ConnectTimeout + TimeSpan.FromSeconds(10));
        var unhealthyAfter = clock.Elapsed;

        refusal.Which.StatusCode.Should().Be(StatusCode.Unavailable, "the dispatcher refused the call before anything was sent");
        readAfter.Should().BeLessThan(ConnectTimeout, "the reading after the refusal must come before the connect timeout to say anything");
        Status(afterRefusal).Should().Be(("STARTING", "the listener is connecting to the Hatchet dispatcher"), "a refused first call of a new registration is judged as at the first start");
        unhealthyAfter.Should().BeGreaterThanOrEqualTo(ConnectTimeout);
        Status(unhealthy).Should().Be(("UNHEALTHY", "the listener has not connected to the Hatchet dispatcher within 4 s"));
    }

    [Fact]
    public async Task Worker_that_unsubscribed_and_lost_its_stream_is_starting_while_it_registers_afresh_until_its_new_stream_connects()
    {
        // Long enough that STARTING cannot turn UNHEALTHY by the clock while the new stream comes up on a loaded machine.
        await using var worker = await InterceptedWorker.StartAsync(options =>
        {
            options.ListenerConnectTimeout = TimeSpan.FromSeconds(20);
            options.HealthEndpointIncludesDetails = true;
        });
        var cancel = TestContext.Current.CancellationToken;
        var client = worker.Worker.Client;
        await using var first = await Connection.OpenHealthyAsync(worker);
        await client.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = first.WorkerId }, cancellationToken: cancel);
        worker.Dispatcher.BreakStreams();
        var broken = await first.Reading.Invoking(async reading => await reading).Should().ThrowAsync<RpcException>();

        var registered = await client.RegisterAsync(TestWorker.Registration(), cancellationToken: cancel);
        var registering = await worker.Client.GetAsync("/health");
        await using var second = Connection.Listen(client, registered.WorkerId);
        await Eventually.Until(() => worker.Dispatcher.OpenStreams == 1, "the new stream open at the dispatcher");
        var listening = await worker.Client.GetAsync("/health");
        var connected = await second.HeartbeatUntilHealthyAsync(worker);

        broken.Which.StatusCode.Should().Be(StatusCode.Unavailable, "the old stream closed with an error after the unsubscribe");
        Status(registering).Should().Be(("STARTING", "the listener is connecting to the Hatchet dispatcher"), "a registration after Unsubscribe starts afresh");
        Status(listening).Should().Be(("STARTING", "the listener is connecting to the Hatchet dispatcher"), "no heartbeat has succeeded on the new stream yet");
        Status(connected).Should().Be(("HEALTHY", "the listener is connected and heartbeats succeed"));
    }

    private static (string? Status, string? Reason) Status(HealthcheckClient.Reply reply)
    {
        using var json = JsonDocument.Parse(reply.Body);
        return (json.RootElement.GetProperty("status").GetString(), json.RootElement.GetProperty("reason").GetString());
    }

    /// <summary>One registration's listen stream, read as a worker reads it: the interceptor sees its end only through a pending read.</summary>
    private sealed class Connection(string workerId, global::Dispatcher.DispatcherClient client, AsyncServerStreamingCall<AssignedAction> call) : IAsyncDisposable
    {
        public string WorkerId { get; } = workerId;

        public Task<bool> Reading { get; } = call.ResponseStream.MoveNext(TestContext.Current.CancellationToken);

        /// <summary>Registers, listens, and heartbeats until <c>/health</c> says HEALTHY.</summary>
        public static async Task<Connection> OpenHealthyAsync(InterceptedWorker worker)
        {
            var registered = await worker.Worker.Client.RegisterAsync(TestWorker.Registration(), cancellationToken: TestContext.Current.CancellationToken);
            var connection = Listen(worker.Worker.Client, registered.WorkerId);
            await connection.HeartbeatUntilHealthyAsync(worker);
            return connection;
        }

        public static Connection Listen(global::Dispatcher.DispatcherClient client, string workerId)
            => new(workerId, client, client.ListenV2(new WorkerListenRequest { WorkerId = workerId }, cancellationToken: TestContext.Current.CancellationToken));

        public Task<HealthcheckClient.Reply> HeartbeatUntilHealthyAsync(InterceptedWorker worker)
            => Eventually.Until(
                async () =>
                {
                    await client.HeartbeatAsync(new HeartbeatRequest { WorkerId = this.WorkerId }, cancellationToken: TestContext.Current.CancellationToken);
                    return await worker.Client.GetAsync("/health");
                },
                reply => reply.Status == HttpStatusCode.OK,
                "HEALTHY with the stream open and heartbeats succeeding");

        public async ValueTask DisposeAsync()
        {
            call.Dispose();
            await ((Task)this.Reading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
