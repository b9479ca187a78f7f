using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Refuses, at startup, a Hatchet engine the spans could not be sent to (<see cref="HatchetEngineConnection"/>: an
/// address or token set in code, or the Hatchet client's variables once the collector is enabled), and an excluded attribute the Python
/// SDK does not know (it refuses them too, <c>config.py</c> line 84 at upstream 89d130f): a misspelt name would
/// otherwise exclude nothing, unnoticed.
/// </summary>
internal sealed class HatchetInstrumentationOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<HatchetInstrumentationOptions>
{
    public ValidateOptionsResult Validate(string? name, HatchetInstrumentationOptions options)
    {
        var failures = new List<string>();
        if (Unknown(options.ExcludedAttributes) is { Count: > 0 } unknown)
        {
            failures.Add($"ExcludedAttributes names {Describe(unknown)}.");
        }

        // Read to check it; the exporter and the task-log sender read their own copy when they start.
        HatchetEngineConnection.Read(options, configuration, failures)?.Tls.ReleaseCertificates();

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The names, in the order given, that are not attributes the Python SDK knows.</summary>
    internal static List<string> Unknown(IEnumerable<string> names) => names.Where(candidate => !OTelAttributeNames.All.Contains(candidate)).ToList();

    /// <summary>What a refusal says of unknown names: each quoted, and the names that are known.</summary>
    internal static string Describe(List<string> unknown)
        => $"{string.Join(", ", unknown.Select(name => $"'{name}'"))}, which {(unknown.Count == 1 ? "is not an attribute" : "are not attributes")} the Python SDK knows (OTelAttribute): use any of {string.Join(", ", OTelAttributeNames.All.Order(StringComparer.Ordinal))}";
}
