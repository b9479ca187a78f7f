using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace OpenTelemetry.Hatchet.Tests.Logs;

/// <summary>Task logs asked for with settings that cannot work stop the worker at startup, naming the setting and its value.</summary>
public sealed class TaskLogOptionsTests
{
    [Fact]
    public async Task Task_logs_without_the_engine_address_stop_startup_naming_the_setting()
    {
        var start = () => WorkerHost.StartAsync(services: services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddHatchetInstrumentation())
            .WithLogging(logging => logging.AddHatchetTaskLogs()));

        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain("HatchetEngineAddress is not set").And.Contain("AddHatchetTaskLogs()");
    }

    [Fact]
    public async Task Task_logs_alone_read_the_instrumentation_section_and_stop_startup_naming_the_hatchet_variable_that_is_missing()
    {
        // No AddHatchetInstrumentation here: AddHatchetTaskLogs binds and checks the engine's settings itself.
        var start = () => WorkerHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Hatchet:Instrumentation:EnableHatchetCollector"] = "true" },
            services: services => services.AddOpenTelemetry().WithLogging(logging => logging.AddHatchetTaskLogs()));

        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain("HATCHET_CLIENT_TOKEN='' is empty");
    }

    [Fact]
    public async Task Smallest_task_log_settings_start()
    {
        await using var host = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddHatchetInstrumentation(options =>
            {
                options.HatchetEngineAddress = new Uri("http://127.0.0.1:7070");
                options.HatchetEngineToken = "t0k3n";
            }))
            .WithLogging(logging => logging.AddHatchetTaskLogs(options =>
            {
                options.QueueSize = 1;
                options.CallTimeout = TimeSpan.FromTicks(1);
                options.ShutdownTimeout = TimeSpan.FromTicks(1);
            })));

        host.Host.Services.GetRequiredService<IOptions<HatchetTaskLogOptions>>().Value.QueueSize.Should().Be(1);
    }

    [Theory]
    [InlineData(0, 10_000, 5_000, "HatchetTaskLogOptions.QueueSize=0")]
    [InlineData(-3, 10_000, 5_000, "HatchetTaskLogOptions.QueueSize=-3")]
    [InlineData(16, 0, 5_000, "HatchetTaskLogOptions.CallTimeout=00:00:00")]
    [InlineData(16, 10_000, -1, "HatchetTaskLogOptions.ShutdownTimeout=-00:00:00.0010000")]
    [InlineData(16, 10_000, 0, "HatchetTaskLogOptions.ShutdownTimeout=00:00:00")]
    public async Task Bad_task_log_setting_stops_startup_naming_it_and_its_value(int queueSize, int callTimeoutMs, int shutdownTimeoutMs, string named)
    {
        var start = () => WorkerHost.StartAsync(services: services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddHatchetInstrumentation(options =>
            {
                options.HatchetEngineAddress = new Uri("http://127.0.0.1:7070");
                options.HatchetEngineToken = "t0k3n";
            }))
            .WithLogging(logging => logging.AddHatchetTaskLogs(options =>
            {
                options.QueueSize = queueSize;
                options.CallTimeout = TimeSpan.FromMilliseconds(callTimeoutMs);
                options.ShutdownTimeout = TimeSpan.FromMilliseconds(shutdownTimeoutMs);
            })));

        var refused = await start.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain(named);
    }
}
