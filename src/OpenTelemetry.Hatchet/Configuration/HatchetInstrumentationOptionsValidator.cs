using Microsoft.Extensions.Options;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>Refuses, at startup, a Hatchet engine address the spans could not be sent to.</summary>
internal sealed class HatchetInstrumentationOptionsValidator : IValidateOptions<HatchetInstrumentationOptions>
{
    public ValidateOptionsResult Validate(string? name, HatchetInstrumentationOptions options)
    {
        if (options.HatchetEngineAddress is not { } address)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"HatchetEngineAddress='{address}' is not the engine's gRPC address: use https://host:port, or http://host:port for an engine without TLS.");
        }

        if (string.IsNullOrWhiteSpace(options.HatchetEngineToken))
        {
            failures.Add($"HatchetEngineToken='{options.HatchetEngineToken}' is empty, but HatchetEngineAddress='{address}' asks for spans to be sent to the engine: use the worker's HATCHET_CLIENT_TOKEN.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
