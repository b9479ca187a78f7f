using OpenTelemetry.Hatchet;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WorkerService;

var builder = Host.CreateApplicationBuilder(args);

// The one line: the worker's status and the runtime's metrics, and, when
// HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED is true, /health and /metrics on port 8001.
builder.Services.AddOpenTelemetry().WithHatchetWorkerMetrics();

try
{
    var connection = HatchetConnection.From(builder.Configuration);
    var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    if (otlp || connection is not null)
    {
        // Task-run traces, named as the Python SDK's: sent to the engine the worker connects to, which shows them in
        // the Hatchet dashboard (the package reads that engine from the same HATCHET_CLIENT_* variables), and over
        // OTLP to the collector named by the standard OTEL_EXPORTER_OTLP_ENDPOINT.
        builder.Services.AddOpenTelemetry().WithTracing(tracing =>
        {
            tracing.AddHatchetInstrumentation(options => options.EnableHatchetCollector = connection is not null);
            if (otlp)
            {
                tracing.AddOtlpExporter();
            }
        });
    }

    if (connection is not null)
    {
        // The task's logs beside its run in the Hatchet dashboard, as the Python SDK sends them: every record written
        // while a run is the current trace (TaskRuns joins it) goes to the engine's PutLog.
        builder.Services.AddOpenTelemetry().WithLogging(logging => logging.AddHatchetTaskLogs());

        // A real worker: clients generated from the engine's protos. The dispatcher's is wired with the
        // interceptor, which reads the status from the connection itself.
        builder.Services.AddSingleton(connection);
        builder.Services.AddGrpcClient<Dispatcher.DispatcherClient>(client => client.Address = connection.Address)
            .ConfigurePrimaryHttpMessageHandler(() => HatchetTransport.CreateHandler(connection))
            .AddHttpMessageHandler(() => new HatchetTransport.ServerNameHandler(connection))
            .ConfigureChannel(HatchetTransport.ConfigureChannel)
            .AddInterceptor<HatchetDispatcherInterceptor>();
        builder.Services.AddGrpcClient<V1.AdminService.AdminServiceClient>(client => client.Address = connection.Address)
            .ConfigurePrimaryHttpMessageHandler(() => HatchetTransport.CreateHandler(connection))
            .AddHttpMessageHandler(() => new HatchetTransport.ServerNameHandler(connection))
            .ConfigureChannel(HatchetTransport.ConfigureChannel);
        builder.Services.AddHostedService<HatchetWorkerLoop>();
    }
    else
    {
        // No engine named (no HATCHET_CLIENT_TOKEN): the worker simulates its connection and reports it by hand.
        builder.Services.AddHostedService<PeriodicWorker>();
        builder.Services.AddHostedService<SimulatedDispatcherConnection>();
    }

    using var host = builder.Build();
    await host.RunAsync();

    // Non-zero when the engine refused the worker for good (HatchetWorkerLoop sets it before stopping the host).
    return Environment.ExitCode;
}
catch (Exception exception)
{
    // The host has logged the details; say why in one line and exit non-zero, as a failed start should.
    await Console.Error.WriteLineAsync($"WorkerService could not run: {exception.Message}");
    return 1;
}
