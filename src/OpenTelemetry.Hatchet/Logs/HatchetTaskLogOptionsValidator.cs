using Microsoft.Extensions.Options;

namespace OpenTelemetry.Hatchet.Logs;

/// <summary>
/// Refuses, at startup, task-log settings that cannot work, each failure naming the setting and its value; and task
/// logs asked for without the engine to send them to.
/// </summary>
internal sealed class HatchetTaskLogOptionsValidator(IOptions<HatchetInstrumentationOptions> engine) : IValidateOptions<HatchetTaskLogOptions>
{
    public ValidateOptionsResult Validate(string? name, HatchetTaskLogOptions options)
    {
        var failures = new List<string>();
        if (options.QueueSize < 1)
        {
            failures.Add($"HatchetTaskLogOptions.QueueSize={options.QueueSize} must be at least 1.");
        }

        if (options.CallTimeout <= TimeSpan.Zero)
        {
            failures.Add($"HatchetTaskLogOptions.CallTimeout={options.CallTimeout} must be more than zero.");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add($"HatchetTaskLogOptions.ShutdownTimeout={options.ShutdownTimeout} must be more than zero.");
        }

        if (engine.Value is { HatchetEngineAddress: null, EnableHatchetCollector: false })
        {
            failures.Add("HatchetEngineAddress is not set and EnableHatchetCollector is off, but AddHatchetTaskLogs() asks for task logs to be sent to the engine: turn EnableHatchetCollector on (the engine is then read from HATCHET_CLIENT_TOKEN and the other HATCHET_CLIENT_* variables), or set HatchetEngineAddress and HatchetEngineToken (AddHatchetInstrumentation(options => ...)).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
