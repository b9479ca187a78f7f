using OpenTelemetry.Exporter;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>OTLP settings the exporter would silently replace by its defaults stop the host instead, saying which and why.</summary>
public sealed class OtlpValidationTests
{
    [Theory]
    [InlineData("collector:4317")]
    [InlineData("not a url")]
    [InlineData("ftp://collector/")]
    [InlineData("/v1/metrics")]
    public async Task Bad_OtlpEndpoint_stops_startup_naming_option_and_value(string value)
    {
        await using var worker = WorkerHost.Build(configure: options =>
        {
            options.OtlpEnabled = true;
            options.OtlpEndpoint = new Uri(value, UriKind.RelativeOrAbsolute);
        });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain($"OtlpEndpoint='{value}' is not an OTLP endpoint");
    }

    [Fact]
    public async Task Undefined_OtlpProtocol_stops_startup_naming_option_and_value()
    {
        await using var worker = WorkerHost.Build(configure: options =>
        {
            options.OtlpEnabled = true;
            options.OtlpEndpoint = new Uri("http://127.0.0.1:4317");
            options.OtlpProtocol = (OtlpExportProtocol)7;
        });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain("OtlpProtocol='7' is not an OTLP protocol: use Grpc or HttpProtobuf");
    }

    [Theory]
    [InlineData("http/json")]
    [InlineData("http")]
    public async Task Unknown_OtlpProtocol_in_the_section_stops_startup_naming_key_and_value(string value)
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { ["Hatchet:Worker:OtlpProtocol"] = value });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain("Hatchet:Worker:OtlpProtocol").And.Contain($"'{value}'");
    }

    [Fact]
    public async Task Relative_OtlpEndpoint_in_the_section_stops_startup_naming_option_and_value()
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?>
        {
            ["Hatchet:Worker:OtlpEnabled"] = "true",
            ["Hatchet:Worker:OtlpEndpoint"] = "collector",
        });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain("OtlpEndpoint='collector' is not an OTLP endpoint");
    }

    [Fact]
    public async Task Bad_package_switch_variable_stops_startup_naming_variable_and_value()
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [OtlpVariables.PackageSwitch] = "sometimes" });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain($"{OtlpVariables.PackageSwitch}='sometimes' is not a boolean");
    }

    [Theory]
    [InlineData(OtlpVariables.Endpoint, "localhost:4318")]
    [InlineData(OtlpVariables.MetricsEndpoint, "collector")]
    public async Task Bad_endpoint_variable_stops_startup_naming_variable_and_value(string variable, string value)
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [OtlpVariables.PackageSwitch] = "true", [variable] = value });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain($"{variable}='{value}' is not an OTLP endpoint");
    }

    [Fact]
    public async Task Unknown_protocol_variable_stops_startup_naming_variable_and_value()
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?>
        {
            [OtlpVariables.PackageSwitch] = "true",
            [OtlpVariables.Endpoint] = "http://127.0.0.1:4318",
            [OtlpVariables.Protocol] = "http/json",
        });

        var failure = await ConfigurationTests.StartupFailure(worker);

        failure.Message.Should().Contain($"{OtlpVariables.Protocol}='http/json' is not an OTLP protocol");
    }

    [Fact]
    public async Task Unknown_protocol_variable_is_not_checked_while_otlp_is_off()
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?>
        {
            [OtlpVariables.Endpoint] = "http://127.0.0.1:4318",
            [OtlpVariables.Protocol] = "http/json",
        });

        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);

        await start.Should().NotThrowAsync();
    }
}
