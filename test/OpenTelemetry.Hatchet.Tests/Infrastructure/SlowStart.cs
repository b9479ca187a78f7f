using Microsoft.Extensions.Hosting;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>A hosted service whose start waits for the test, to hold the host in its starting phase.</summary>
internal sealed class SlowStart(Task release) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => release.WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A hosted service whose stop waits for the test, to hold the host in its stopping phase.</summary>
internal sealed class SlowStop(Task release) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Honouring the token lets a failing test's host stop at its shutdown timeout instead of hanging.
    public Task StopAsync(CancellationToken cancellationToken) => release.WaitAsync(cancellationToken);
}
