using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OpenTelemetry.Hatchet.Otlp;

/// <summary>Refuses, when the host starts, OTLP settings that the exporter would otherwise silently replace by its defaults.</summary>
internal sealed class OtlpSettingsValidator(IConfiguration? configuration = null) : IValidateOptions<HatchetWorkerMetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, HatchetWorkerMetricsOptions options)
    {
        var problems = OtlpSettings.Read(options, configuration).Problems;
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
