using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Port_stays_closed_until_the_host_starts()
    {
        await using var worker = WorkerHost.Build();
        _ = worker.Health;

        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();

        await worker.Host.StartAsync(TestContext.Current.CancellationToken);
        FreeTcpPort.IsListening(worker.Port).Should().BeTrue();
    }

    [Fact]
    public async Task Port_is_free_once_the_host_has_stopped()
    {
        await using var worker = await WorkerHost.StartAsync();

        await worker.Host.StopAsync(TestContext.Current.CancellationToken);

        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();
        using var other = new TcpListener(IPAddress.Loopback, worker.Port);
        other.Invoking(listener => listener.Start()).Should().NotThrow("the port should be free for another process");
    }

    [Fact]
    public async Task Stopping_host_answers_503_unhealthy_until_it_has_stopped()
    {
        var release = new TaskCompletionSource();
        await using var worker = await WorkerHost.StartAsync(services: services => services.AddHostedService(_ => new SlowStop(release.Task)));

        var stopping = worker.Host.StopAsync(TestContext.Current.CancellationToken);

        var reply = await HeldPhase.ProbeAsync(stopping, release, () => Eventually.Until(
            () => worker.Client.GetAsync("/health"), (HealthcheckClient.Reply r) => r.Status != HttpStatusCode.OK, "/health to stop answering 200"));

        reply.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        reply.Body.Should().Be("""{"status":"UNHEALTHY"}""");
        worker.Logs.Lines.Should().Contain(line => line.Message == "Hatchet worker status changed from Initialized to Starting: the host is starting")
            .And.Contain(line => line.Message == "Hatchet worker status changed from Healthy to Unhealthy: the host is stopping");
    }

    [Fact]
    public async Task Two_hosts_on_two_ports_keep_their_own_status()
    {
        await using var first = await WorkerHost.StartAsync();
        await using var second = await WorkerHost.StartAsync();

        first.Health.ReportStatus(HatchetWorkerStatus.Unhealthy);

        (await first.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await second.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        MetricsEndpointTests.SampleValue((await first.Client.GetAsync("/metrics")).Body, "hatchet_worker_status").Should().Be(0);
        MetricsEndpointTests.SampleValue((await second.Client.GetAsync("/metrics")).Body, "hatchet_worker_status").Should().Be(1);
    }

    [Fact]
    public async Task New_host_can_take_the_port_of_one_that_stopped()
    {
        var port = FreeTcpPort.Next();
        await using (var first = await WorkerHost.StartAsync(port: port))
        {
            (await first.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        }

        await using var second = await WorkerHost.StartAsync(port: port);

        (await second.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await second.Client.GetAsync("/metrics")).Body.Should().Contain("hatchet_worker_status");
    }

    [Fact]
    public async Task Taken_port_is_logged_and_the_worker_keeps_running()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var worker = await WorkerHost.StartAsync(port: port);

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
        var error = worker.Logs.Lines.Should().ContainSingle(line => line.Level == LogLevel.Error).Subject;
        error.Message.Should().Contain($"127.0.0.1:{port}").And.Contain("Address already in use");
    }

    [Fact]
    public async Task Port_served_by_another_worker_is_taken_not_shared()
    {
        await using var first = await WorkerHost.StartAsync();

        // Two workers of one user on one port would split its probes between them, unseen.
        await using var second = await WorkerHost.StartAsync(port: first.Port);

        second.Logs.Lines.Should().ContainSingle(line => line.Level == LogLevel.Error)
            .Which.Message.Should().Contain($"127.0.0.1:{first.Port}").And.Contain("Address already in use");
        first.Health.ReportStatus(HatchetWorkerStatus.Unhealthy);
        for (var i = 0; i < 10; i++)
        {
            (await first.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.ServiceUnavailable, "every probe reaches the first worker");
        }
    }

    [Fact]
    public async Task Taken_port_fails_startup_when_asked_to()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var worker = WorkerHost.Build(port: port, configure: options => options.FailStartupIfHealthcheckUnavailable = true);

        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*127.0.0.1:{port}*Address already in use*");
    }

    [Fact]
    public async Task Disabled_healthcheck_opens_no_port()
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.Enabled] = null });

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();
    }

    [Fact]
    public async Task Calling_the_one_line_twice_serves_one_healthcheck()
    {
        await using var worker = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithHatchetWorkerMetrics());

        worker.Logs.Lines.Should().ContainSingle(line => line.Message.StartsWith("Hatchet worker healthcheck listening on", StringComparison.Ordinal));
        worker.Logs.Lines.Should().NotContain(line => line.Level >= LogLevel.Warning);
        (await worker.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Status_follows_the_host_from_initialized_to_unhealthy()
    {
        await using var worker = WorkerHost.Build();
        var seen = new List<HatchetWorkerStatus> { worker.Health.Status };

        await worker.Host.StartAsync(TestContext.Current.CancellationToken);
        seen.Add(worker.Health.Status);
        await worker.Host.StopAsync(TestContext.Current.CancellationToken);
        seen.Add(worker.Health.Status);

        seen.Should().Equal(HatchetWorkerStatus.Initialized, HatchetWorkerStatus.Healthy, HatchetWorkerStatus.Unhealthy);
    }
}
