using Microsoft.Extensions.Options;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>Checks the final options, wherever each value came from, when the host starts.</summary>
internal sealed class HatchetWorkerMetricsOptionsValidator : IValidateOptions<HatchetWorkerMetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, HatchetWorkerMetricsOptions options)
    {
        var failures = new List<string>();

        if (options.HealthcheckPort is < 1 or > 65535)
        {
            failures.Add($"{nameof(HatchetWorkerMetricsOptions.HealthcheckPort)} ({HatchetEnvironmentVariables.Port}) is {options.HealthcheckPort}: use a whole number from 1 to 65535.");
        }

        if (!HealthcheckBindAddress.TryParse(options.HealthcheckBindAddress, out _, out var problem))
        {
            failures.Add($"{nameof(HatchetWorkerMetricsOptions.HealthcheckBindAddress)} ({HatchetEnvironmentVariables.BindAddress}) '{options.HealthcheckBindAddress}' is not supported: {problem}; {HealthcheckBindAddress.Supported}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
