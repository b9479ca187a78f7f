using Microsoft.Extensions.Configuration;

namespace OpenTelemetry.Hatchet.Configuration;

/// <summary>The environment variables that this package reads: the Hatchet SDKs' own, and one of its own.</summary>
/// <remarks>
/// They are read through <see cref="IConfiguration"/>, which the .NET hosts fill from the environment, so tests and
/// containers can supply them the same way; without an <see cref="IConfiguration"/>, from the process environment.
/// </remarks>
internal static class HatchetEnvironmentVariables
{
    public const string Enabled = "HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED";
    public const string Port = "HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT";
    public const string BindAddress = "HATCHET_CLIENT_WORKER_HEALTHCHECK_BIND_ADDRESS";
    public const string EventLoopBlockThreshold = "HATCHET_CLIENT_WORKER_HEALTHCHECK_EVENT_LOOP_BLOCK_THRESHOLD_SECONDS";

    // Not a Hatchet SDK's (they have no OTLP export), hence not under HATCHET_CLIENT_.
    public const string OtlpEnabled = "HATCHET_WORKER_OTLP_ENABLED";

    // The Python SDK's OpenTelemetryConfig (sdks/python/hatchet_sdk/config.py): env_prefix HATCHET_CLIENT_OPENTELEMETRY_.
    public const string IncludeTaskName = "HATCHET_CLIENT_OPENTELEMETRY_INCLUDE_TASK_NAME_IN_START_STEP_RUN_SPAN_NAME";
    public const string ExcludedAttributes = "HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES";
    public const string IndividualRunSpans = "HATCHET_CLIENT_OPENTELEMETRY_INDIVIDUAL_RUN_SPANS_FOR_BULK_RUN";

    // The Hatchet client's connection to the engine (ClientConfig and ClientTLSConfig in sdks/python/hatchet_sdk/config.py
    // lines 25-34 and 142-157; the TypeScript SDK's ConfigLoader reads the same names).
    public const string Token = "HATCHET_CLIENT_TOKEN";
    public const string HostPort = "HATCHET_CLIENT_HOST_PORT";
    public const string TlsStrategy = "HATCHET_CLIENT_TLS_STRATEGY";
    public const string TlsRootCaFile = "HATCHET_CLIENT_TLS_ROOT_CA_FILE";
    public const string TlsCertFile = "HATCHET_CLIENT_TLS_CERT_FILE";
    public const string TlsKeyFile = "HATCHET_CLIENT_TLS_KEY_FILE";
    public const string TlsServerName = "HATCHET_CLIENT_TLS_SERVER_NAME";

    public static string? Read(IConfiguration? configuration, string variable)
        => configuration is null ? Environment.GetEnvironmentVariable(variable) : configuration[variable];

    /// <summary>A boolean variable as the Python SDK reads it; a value it refuses is added to <paramref name="failures"/>.</summary>
    public static bool? ReadBoolean(IConfiguration? configuration, string variable, List<string> failures)
    {
        if (Read(configuration, variable) is not { } text)
        {
            return null;
        }

        if (HatchetBoolean.TryParse(text, out var value))
        {
            return value;
        }

        failures.Add($"{variable}='{text}' is not a boolean: use {HatchetBoolean.AcceptedWords}.");
        return null;
    }
}
