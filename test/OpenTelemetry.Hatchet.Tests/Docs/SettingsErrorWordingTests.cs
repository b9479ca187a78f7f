using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet.Configuration;
using OpenTelemetry.Hatchet.Otlp;
using OpenTelemetry.Hatchet.Tests.Example;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Docs;

/// <summary>
/// Every error a bad setting stops the host with reads the same way, as the docs quote them: the setting (with its
/// variable in parentheses where it has one) and the value as given, <c>NAME='value'</c>, what is wrong with it,
/// and after a colon what to use.
/// </summary>
public sealed partial class SettingsErrorWordingTests
{
    public static TheoryData<string> Errors() => new(AllErrors().ToArray());

    private static IEnumerable<string> AllErrors() =>
    [
        .. Validate(new HatchetWorkerMetricsOptions { HealthcheckPort = 0 }),
        .. Validate(new HatchetWorkerMetricsOptions { HealthcheckBindAddress = "not an address" }),
        .. Validate(new HatchetWorkerMetricsOptions { ThreadPoolLagThreshold = TimeSpan.Zero }),
        .. Validate(new HatchetWorkerMetricsOptions { HeartbeatTimeout = TimeSpan.FromDays(2) }),
        .. Validate(new HatchetWorkerMetricsOptions { HealthChecksTag = " " }),
        .. Configure(new Dictionary<string, string?> { [HatchetVariables.Enabled] = "maybe", [HatchetEnvironmentVariables.OtlpEnabled] = "sometimes", [HatchetVariables.Port] = "abc", [HatchetVariables.EventLoopBlockThreshold] = "soon" }),
        .. ConfigureInstrumentation(new Dictionary<string, string?> { ["HATCHET_CLIENT_OPENTELEMETRY_EXCLUDED_ATTRIBUTES"] = "payload" }),
        .. ValidateOtlp(
            new HatchetWorkerMetricsOptions { OtlpEnabled = true, OtlpProtocol = (OtlpExportProtocol)7 },
            new Dictionary<string, string?> { [OtlpEnvironmentVariables.MetricsProtocol] = "http/json", [OtlpEnvironmentVariables.Protocol] = "json", [OtlpEnvironmentVariables.MetricsEndpoint] = "collector:4318" }),
        .. ValidateOtlp(new HatchetWorkerMetricsOptions { OtlpEnabled = true }, new Dictionary<string, string?> { [OtlpEnvironmentVariables.Endpoint] = "collector" }),
        .. ValidateOtlp(new HatchetWorkerMetricsOptions { OtlpEnabled = true, OtlpEndpoint = new Uri("collector", UriKind.Relative) }, []),
        .. new HatchetInstrumentationOptionsValidator().Validate(null, new HatchetInstrumentationOptions { HatchetEngineAddress = new Uri("ftp://engine:7070") }).Failures!,
        .. ReadConnection(new() { ["HATCHET_CLIENT_TOKEN"] = null }),
        .. ReadConnection(new() { ["HATCHET_CLIENT_TOKEN"] = "t0k3n" }),
        .. ReadConnection(new() { ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("engine-without-port") }),
        .. ReadConnection(new() { ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070"), ["HATCHET_CLIENT_HOST_PORT"] = "http://engine:7070" }),
        .. ReadConnection(new() { ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070"), ["HATCHET_CLIENT_TLS_STRATEGY"] = "ssl" }),
        .. ReadConnection(new() { ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070"), ["HATCHET_CLIENT_TLS_STRATEGY"] = "mtls" }),
        .. ReadConnection(new() { ["HATCHET_CLIENT_TOKEN"] = HatchetTestTokens.For("127.0.0.1:7070"), ["HATCHET_CLIENT_TLS_ROOT_CA_FILE"] = "/nonexistent/ca.pem" }),
    ];

    [Theory]
    [MemberData(nameof(Errors))]
    public void Each_settings_error_names_the_setting_and_value_then_says_what_to_use(string error)
        => error.Should().MatchRegex(Form(), "every settings error is worded NAME='value' is ...: use ...");

    [Fact]
    public void Every_kind_of_bad_setting_is_among_those_checked()
        => AllErrors().Should().HaveCount(27, "five options and four variables of the worker; two options and four variables of its OTLP exporter; one variable, the engine address and its token of the tracing; the engine connection's token (missing, not a JWT, its address), host and port, TLS strategy, mTLS's three files and the root CA file");

    private static IEnumerable<string> Validate(HatchetWorkerMetricsOptions options)
        => new HatchetWorkerMetricsOptionsValidator().Validate(null, options).Failures!;

    private static IEnumerable<string> ValidateOtlp(HatchetWorkerMetricsOptions options, Dictionary<string, string?> variables)
        => new OtlpSettingsValidator(new ConfigurationBuilder().AddInMemoryCollection(variables).Build()).Validate(null, options).Failures!;

    private static IEnumerable<string> Configure(Dictionary<string, string?> variables)
    {
        var configure = () => new HatchetWorkerMetricsConfiguration(new ConfigurationBuilder().AddInMemoryCollection(variables).Build()).Configure(new HatchetWorkerMetricsOptions());
        return configure.Should().Throw<OptionsValidationException>().Which.Failures;
    }

    private static List<string> ReadConnection(Dictionary<string, string?> variables)
    {
        var failures = new List<string>();
        HatchetEngineConnection.Read(new HatchetInstrumentationOptions { EnableHatchetCollector = true }, new ConfigurationBuilder().AddInMemoryCollection(variables).Build(), failures);
        return failures.Should().NotBeEmpty().And.Subject.ToList();
    }

    private static IEnumerable<string> ConfigureInstrumentation(Dictionary<string, string?> variables)
    {
        var configure = () => new HatchetInstrumentationConfiguration(new ConfigurationBuilder().AddInMemoryCollection(variables).Build()).Configure(new HatchetInstrumentationOptions());
        return configure.Should().Throw<OptionsValidationException>().Which.Failures;
    }

    // NAME or Option (VARIABLE), ='value', " is " and what is wrong, ": use " and what to use, a full stop.
    [GeneratedRegex(@"^[A-Z][A-Za-z_]*( \([A-Z_]+\))?='[^']*' is .+?: use .+\.$")]
    private static partial Regex Form();
}
