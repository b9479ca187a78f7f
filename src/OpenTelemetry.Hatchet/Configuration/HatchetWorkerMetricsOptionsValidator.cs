using Microsoft.Extensions.Options;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>Checks the final options, wherever each value came from, when the host starts.</summary>
internal sealed class HatchetWorkerMetricsOptionsValidator : IValidateOptions<HatchetWorkerMetricsOptions>
{
    // Every settings error reads the same way: the setting (with its variable, where it has one) and the value as
    // given, NAME='value', what is wrong with it, then after a colon what to use (SettingsErrorWordingTests).
    public ValidateOptionsResult Validate(string? name, HatchetWorkerMetricsOptions options)
    {
        var failures = new List<string>();

        if (options.HealthcheckPort is < 1 or > 65535)
        {
            failures.Add($"{nameof(HatchetWorkerMetricsOptions.HealthcheckPort)} ({HatchetEnvironmentVariables.Port})='{options.HealthcheckPort}' is not a port: use a whole number from 1 to 65535.");
        }

        if (!HealthcheckBindAddress.TryParse(options.HealthcheckBindAddress, out _, out var problem))
        {
            failures.Add($"{nameof(HatchetWorkerMetricsOptions.HealthcheckBindAddress)} ({HatchetEnvironmentVariables.BindAddress})='{options.HealthcheckBindAddress}' is {problem}: {HealthcheckBindAddress.Supported}.");
        }

        RequirePositive(failures, nameof(HatchetWorkerMetricsOptions.ThreadPoolLagThreshold), options.ThreadPoolLagThreshold, $" ({HatchetEnvironmentVariables.EventLoopBlockThreshold})");
        RequirePositive(failures, nameof(HatchetWorkerMetricsOptions.ListenerConnectTimeout), options.ListenerConnectTimeout);
        RequirePositive(failures, nameof(HatchetWorkerMetricsOptions.HeartbeatTimeout), options.HeartbeatTimeout);
        RequirePositive(failures, nameof(HatchetWorkerMetricsOptions.HealthChecksInterval), options.HealthChecksInterval);
        RequirePositive(failures, nameof(HatchetWorkerMetricsOptions.HealthChecksTimeout), options.HealthChecksTimeout);

        if (options.HealthChecksTag is { } tag && string.IsNullOrWhiteSpace(tag))
        {
            failures.Add($"{nameof(HatchetWorkerMetricsOptions.HealthChecksTag)}='{tag}' is blank: use a tag of your health checks, or leave it unset to count none.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(List<string> failures, string option, TimeSpan value, string variable = "")
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            failures.Add($"{option}{variable}='{value}' is out of range: use a duration above zero and at most one day.");
        }
    }
}
