using OpenTelemetry.Metrics;
using WorkerService;

var builder = Host.CreateApplicationBuilder(args);

// The one line: the worker's status and the runtime's metrics, and, when
// HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED is true, /health and /metrics on port 8001.
builder.Services.AddOpenTelemetry().WithHatchetWorkerMetrics();

builder.Services.AddHostedService<PeriodicWorker>();
builder.Services.AddHostedService<SimulatedDispatcherConnection>();

using var host = builder.Build();
try
{
    await host.RunAsync();
    return 0;
}
catch (Exception exception)
{
    // The host has logged the details; say why in one line and exit non-zero, as a failed start should.
    await Console.Error.WriteLineAsync($"WorkerService could not run: {exception.Message}");
    return 1;
}
