using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Logs;
using OpenTelemetry.Hatchet.Metrics;

namespace OpenTelemetry.Logs;

/// <summary>Extension methods to forward a Hatchet task run's logs to the Hatchet engine.</summary>
public static class HatchetTaskLogsLoggerProviderBuilderExtensions
{
    /// <summary>
    /// Sends every log record written while a Hatchet task run is the current trace (the run's span, joined with
    /// <see cref="HatchetDispatcherInterceptor.JoinTaskRunTrace"/>, or any span under it) to the engine's
    /// <c>EventsService/PutLog</c>, with the run's id, the record's level and time, and the run's retry count, so
    /// that it shows beside the run in the Hatchet dashboard, as the Python SDK forwards a task's logs. Other
    /// records are left alone. Records are queued and sent in the background: a task never waits for the engine,
    /// and a record the queue or the engine cannot take is dropped and counted (<c>hatchet.task_logs.dropped</c>).
    /// </summary>
    /// <remarks>
    /// The runs' spans must be asked for (<c>AddHatchetInstrumentation()</c> on the tracer provider), and the engine
    /// named there: <see cref="HatchetInstrumentationOptions.EnableHatchetCollector"/>, which reads it from the Hatchet
    /// client's variables, or <see cref="HatchetInstrumentationOptions.HatchetEngineAddress"/> and
    /// <see cref="HatchetInstrumentationOptions.HatchetEngineToken"/>; startup fails when it is not.
    /// </remarks>
    /// <param name="builder">The <see cref="LoggerProviderBuilder"/> being configured.</param>
    /// <param name="configure">Sets the forwarder's options in code.</param>
    /// <returns>The same builder, to chain calls.</returns>
    public static LoggerProviderBuilder AddHatchetTaskLogs(this LoggerProviderBuilder builder, Action<HatchetTaskLogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services =>
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HatchetInstrumentationOptions>, HatchetInstrumentationConfiguration>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HatchetInstrumentationOptions>, HatchetInstrumentationOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HatchetTaskLogOptions>, HatchetTaskLogOptionsValidator>());
            services.AddOptions<HatchetInstrumentationOptions>().ValidateOnStart();
            services.AddOptions<HatchetTaskLogOptions>().ValidateOnStart();
            if (configure is not null)
            {
                services.Configure(configure);
            }
        });

        return builder.AddProcessor(static services =>
        {
            var options = services.GetRequiredService<IOptions<HatchetTaskLogOptions>>().Value;
            var engine = HatchetEngineConnection.Resolve(services.GetRequiredService<IOptions<HatchetInstrumentationOptions>>().Value, services.GetService<IConfiguration>())!;
            var meter = services.GetService<IMeterFactory>() is { } factory
                ? HatchetWorkerMeter.CreateMeter(factory)
                : new Meter(HatchetWorkerMeter.MeterName, HatchetWorkerMeter.Version);

            // The logger factory is being built when this runs: it is looked up when the forwarder first has something
            // to say, which may be as the host is disposed, when there is no one left to say it to.
            ILogger? logger = null;
            ILogger? Logger()
            {
                try
                {
                    return logger ??= services.GetService<ILoggerFactory>()?.CreateLogger(Hatchet.Log.TaskLogsCategory);
                }
                catch (ObjectDisposedException)
                {
                    return null;
                }
            }

            var call = new PutLogCall(engine, options.CallTimeout);
            var sender = new TaskLogSender(call, new TaskLogDrops(meter, Logger), options);
            return new HatchetTaskLogProcessor(sender);
        });
    }
}
