using System.Net;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Faults;

/// <summary>
/// The port held by another process, here another worker (the example, run as its own process, which any
/// machine that runs these tests has): the worker logs it and runs on, and is left holding no socket.
/// </summary>
public sealed class TakenPortTests
{
    [Fact]
    public async Task Port_held_by_another_process_is_logged_and_the_worker_keeps_running()
    {
        var port = FreeTcpPort.Next();
        using var holder = ExampleWorkerProcess.Start(ExampleWorkerProcess.HealthcheckOn(port));
        await holder.WaitUntilHealthyAsync(port);

        await using var worker = await WorkerHost.StartAsync(port: port);

        var error = worker.Logs.Lines.Should().ContainSingle(line => line.Level == LogLevel.Error).Subject;
        error.Message.Should().Contain($"could not listen on 127.0.0.1:{port}").And.Contain("Address already in use");
        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
        OwnedSockets.ListeningPorts(Environment.ProcessId).Should().NotContain(port);
        (await new HealthcheckClient(port).GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK, "the holder is undisturbed");

        await worker.Host.StopAsync(TestContext.Current.CancellationToken);
        OwnedSockets.ListeningPorts(Environment.ProcessId).Should().NotContain(port);
        OwnedSockets.ListeningPorts(holder.Id).Should().Contain(port);
    }

    [Fact]
    public async Task Port_held_by_another_process_fails_startup_when_asked_to()
    {
        var port = FreeTcpPort.Next();
        using var holder = ExampleWorkerProcess.Start(ExampleWorkerProcess.HealthcheckOn(port));
        await holder.WaitUntilHealthyAsync(port);
        await using var worker = WorkerHost.Build(port: port, configure: options => options.FailStartupIfHealthcheckUnavailable = true);

        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"Hatchet worker healthcheck could not listen on 127.0.0.1:{port}: *Address already in use*");
        OwnedSockets.ListeningPorts(Environment.ProcessId).Should().NotContain(port);
    }

    [Fact]
    public async Task Worker_whose_port_is_held_listens_on_nothing_at_all()
    {
        var port = FreeTcpPort.Next();
        using var holder = ExampleWorkerProcess.Start(ExampleWorkerProcess.HealthcheckOn(port));
        await holder.WaitUntilHealthyAsync(port);

        using var worker = ExampleWorkerProcess.Start(ExampleWorkerProcess.HealthcheckOn(port));
        await worker.WaitForOutputAsync("Application started");

        worker.HasExited.Should().BeFalse(worker.Output);
        worker.Output.Should().Contain($"could not listen on 0.0.0.0:{port}: Address already in use");

        // Not even the exporter's private loopback port, which is opened before the public one.
        OwnedSockets.ListeningPorts(worker.Id).Should().BeEmpty();
        OwnedSockets.ListeningPorts(holder.Id).Should().HaveCount(2, "the holder listens on its port and its exporter's private one");
    }
}
