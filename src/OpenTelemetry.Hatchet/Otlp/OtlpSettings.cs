using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace OpenTelemetry.Hatchet.Otlp;

/// <summary>
/// Decides whether the metrics go by OTLP, where and how, from <see cref="HatchetWorkerMetricsOptions"/>
/// and the OpenTelemetry specification's variables, read through configuration.
/// </summary>
/// <remarks>
/// OTLP is on only when <see cref="HatchetWorkerMetricsOptions.OtlpEnabled"/> says so: the variables say
/// where the metrics go, never whether. Each value is the first one given of: the option; the
/// metrics-specific variable; the general variable; the OpenTelemetry .NET exporter's default (<c>grpc</c>,
/// on localhost). As the specification says, an endpoint from the option or from
/// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> is used as it is, and one from
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is a base to which <c>v1/metrics</c> is added for <c>http/protobuf</c>.
/// </remarks>
internal sealed class OtlpSettings
{
    private const string MetricsPath = "v1/metrics";
    private const string ExporterDefault = "the exporter's default";

    private OtlpSettings(bool enabled, OtlpExportProtocol protocol, Uri endpoint, string endpointSetting, IReadOnlyList<string> problems)
    {
        this.Enabled = enabled;
        this.Protocol = protocol;
        this.Endpoint = endpoint;
        this.EndpointSetting = endpointSetting;
        this.Problems = problems;
    }

    /// <summary>Gets a value indicating whether the metrics go by OTLP.</summary>
    public bool Enabled { get; }

    /// <summary>Gets the protocol.</summary>
    public OtlpExportProtocol Protocol { get; }

    /// <summary>Gets the full URL the exporter sends to.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the setting the endpoint comes from, for the log.</summary>
    public string EndpointSetting { get; }

    /// <summary>Gets what is wrong with the settings, each problem naming the setting and its value.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Gets the protocol as the specification spells it.</summary>
    public string ProtocolName => this.Protocol == OtlpExportProtocol.HttpProtobuf ? "http/protobuf" : "grpc";

    public static OtlpSettings Read(HatchetWorkerMetricsOptions options, IConfiguration? configuration)
    {
        var problems = new List<string>();
        string? Variable(string name) => Given(configuration?[name]);

        var protocol = CheckProtocol(options.OtlpProtocol, problems)
            ?? ReadProtocol(OtlpEnvironmentVariables.MetricsProtocol, Variable(OtlpEnvironmentVariables.MetricsProtocol), problems)
            ?? ReadProtocol(OtlpEnvironmentVariables.Protocol, Variable(OtlpEnvironmentVariables.Protocol), problems)
            ?? OtlpExportProtocol.Grpc;

        var (setting, text, isBase) =
            options.OtlpEndpoint is { } option ? (nameof(HatchetWorkerMetricsOptions.OtlpEndpoint), option.OriginalString, false)
            : Variable(OtlpEnvironmentVariables.MetricsEndpoint) is { } metrics ? (OtlpEnvironmentVariables.MetricsEndpoint, metrics, false)
            : Variable(OtlpEnvironmentVariables.Endpoint) is { } general ? (OtlpEnvironmentVariables.Endpoint, general, true)
            : (ExporterDefault, protocol == OtlpExportProtocol.HttpProtobuf ? "http://localhost:4318" : "http://localhost:4317", true);

        var endpoint = ReadEndpoint(setting, text, problems) ?? new Uri("http://localhost");
        if (isBase && protocol == OtlpExportProtocol.HttpProtobuf)
        {
            endpoint = WithMetricsPath(endpoint);
        }

        var enabled = options.OtlpEnabled;

        // Settings that are not used are not checked: OTLP off must not fail the worker.
        return new OtlpSettings(enabled, protocol, endpoint, setting, enabled ? problems : []);
    }

    // As every settings error of the package writes it, for an option as for a variable: NAME='value'.
    private static string Quote(string setting, string text) => $"{setting}='{text}'";

    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri WithMetricsPath(Uri baseUrl)
    {
        var path = baseUrl.AbsolutePath.TrimEnd('/');
        return path.EndsWith("/" + MetricsPath, StringComparison.OrdinalIgnoreCase)
            ? baseUrl
            : new UriBuilder(baseUrl) { Path = path + "/" + MetricsPath }.Uri;
    }

    private static Uri? ReadEndpoint(string setting, string text, List<string> problems)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0)
        {
            return uri;
        }

        problems.Add($"{Quote(setting, text)} is not an OTLP endpoint: use an absolute http or https URL, such as http://collector:4317 for grpc or http://collector:4318/v1/metrics for http/protobuf.");
        return null;
    }

    // An enum property can hold any number; only the exporter's two protocols mean something.
    private static OtlpExportProtocol? CheckProtocol(OtlpExportProtocol? protocol, List<string> problems)
    {
        if (protocol is { } given && !Enum.IsDefined(given))
        {
            problems.Add($"{Quote(nameof(HatchetWorkerMetricsOptions.OtlpProtocol), given.ToString())} is not an OTLP protocol: use {nameof(OtlpExportProtocol.Grpc)} or {nameof(OtlpExportProtocol.HttpProtobuf)}.");
            return null;
        }

        return protocol;
    }

    // The specification's words, matched as the OpenTelemetry .NET exporter matches them: exactly, after trimming.
    private static OtlpExportProtocol? ReadProtocol(string setting, string? text, List<string> problems)
    {
        switch (text)
        {
            case null:
                return null;
            case "grpc":
                return OtlpExportProtocol.Grpc;
            case "http/protobuf":
                return OtlpExportProtocol.HttpProtobuf;
            default:
                problems.Add($"{Quote(setting, text)} is not an OTLP protocol: use grpc or http/protobuf.");
                return null;
        }
    }
}
