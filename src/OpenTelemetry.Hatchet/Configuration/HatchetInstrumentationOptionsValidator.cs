using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tracing;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Refuses, at startup, a Hatchet engine address the spans could not be sent to, and an excluded attribute the Python
/// SDK does not know (it refuses them too, <c>config.py</c> line 84 at upstream 89d130f): a misspelt name would
/// otherwise exclude nothing, unnoticed.
/// </summary>
internal sealed class HatchetInstrumentationOptionsValidator : IValidateOptions<HatchetInstrumentationOptions>
{
    public ValidateOptionsResult Validate(string? name, HatchetInstrumentationOptions options)
    {
        var failures = new List<string>();
        if (Unknown(options.ExcludedAttributes) is { Count: > 0 } unknown)
        {
            failures.Add($"ExcludedAttributes names {Describe(unknown)}.");
        }

        if (options.HatchetEngineAddress is { } address)
        {
            if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"HatchetEngineAddress='{address}' is not the engine's gRPC address: use https://host:port, or http://host:port for an engine without TLS.");
            }

            if (string.IsNullOrWhiteSpace(options.HatchetEngineToken))
            {
                failures.Add($"HatchetEngineToken='{options.HatchetEngineToken}' is empty, but HatchetEngineAddress='{address}' asks for spans to be sent to the engine: use the worker's HATCHET_CLIENT_TOKEN.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The names, in the order given, that are not attributes the Python SDK knows.</summary>
    internal static List<string> Unknown(IEnumerable<string> names) => names.Where(candidate => !OTelAttributeNames.All.Contains(candidate)).ToList();

    /// <summary>What a refusal says of unknown names: each quoted, and the names that are known.</summary>
    internal static string Describe(List<string> unknown)
        => $"{string.Join(", ", unknown.Select(name => $"'{name}'"))}, which {(unknown.Count == 1 ? "is not an attribute" : "are not attributes")} the Python SDK knows (OTelAttribute): use any of {string.Join(", ", OTelAttributeNames.All.Order(StringComparer.Ordinal))}";
}
