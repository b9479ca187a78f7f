using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static OpenTelemetry.Hatchet.Configuration.HatchetEnvironmentVariables;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>
/// Fills <see cref="HatchetInstrumentationOptions"/> from configuration: the <c>Hatchet:Instrumentation</c> section,
/// then the Python SDK's <c>HATCHET_CLIENT_OPENTELEMETRY_*</c> variables on top (<c>OpenTelemetryConfig</c> in
/// <c>sdks/python/hatchet_sdk/config.py</c>), read through <see cref="IConfiguration"/> as the worker's other variables are.
/// </summary>
internal sealed class HatchetInstrumentationConfiguration(IConfiguration? configuration = null) : IConfigureOptions<HatchetInstrumentationOptions>
{
    public void Configure(HatchetInstrumentationOptions options)
    {
        var failures = new List<string>();
        BindSection(options, failures);
        if (ReadBoolean(configuration, IncludeTaskName, failures) is { } include)
        {
            options.IncludeTaskNameInStartStepRunSpanName = include;
        }

        if (ReadBoolean(configuration, IndividualRunSpans, failures) is { } individual)
        {
            options.IndividualRunSpansForBulkRun = individual;
        }

        if (Read(configuration, ExcludedAttributes) is { } excluded)
        {
            if (!TryParseNames(excluded, out var names))
            {
                failures.Add($"{ExcludedAttributes}='{excluded}' is not a JSON array of attribute names: use one such as [\"payload\", \"additional_metadata\"].");
            }
            else if (HatchetInstrumentationOptionsValidator.Unknown(names) is { Count: > 0 } unknown)
            {
                // As pydantic refuses a value that is not an OTelAttribute (config.py line 84).
                failures.Add($"{ExcludedAttributes}='{excluded}' names {HatchetInstrumentationOptionsValidator.Describe(unknown)}.");
            }
            else
            {
                options.ExcludedAttributes.UnionWith(names);
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(HatchetInstrumentationOptions), failures);
        }
    }

    // The binder throws at the first value it cannot convert; its message names the key and the value.
    private void BindSection(HatchetInstrumentationOptions options, List<string> failures)
    {
        try
        {
            configuration?.GetSection(HatchetInstrumentationOptions.ConfigurationSectionName).Bind(options);
        }
        catch (InvalidOperationException exception)
        {
            failures.Add(exception.Message);
        }
    }

    // As pydantic-settings reads a list from a variable: JSON, an array, of strings.
    private static bool TryParseNames(string text, out List<string> names)
    {
        names = [];
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                names.Add(element.GetString()!);
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
