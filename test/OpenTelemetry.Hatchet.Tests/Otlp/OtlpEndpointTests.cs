using Microsoft.Extensions.Configuration;
using OpenTelemetry.Hatchet.Otlp;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>
/// Where http/protobuf exports go when the endpoint comes from the signal-agnostic variable, which the
/// specification makes a base for every signal's path.
/// </summary>
public sealed class OtlpEndpointTests
{
    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4318/", "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4318/otlp/", "http://collector:4318/otlp/v1/metrics")]
    public void Base_endpoint_gets_the_metrics_path(string endpoint, string exportsTo)
        => EndpointFrom(endpoint).Should().Be(new Uri(exportsTo));

    [Theory]
    [InlineData("http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4318/v1/metrics/")]
    public void Base_endpoint_that_already_ends_in_the_metrics_path_is_not_given_it_twice(string endpoint)
        => EndpointFrom(endpoint).AbsolutePath.Should().StartWith("/v1/metrics").And.NotContain("/v1/metrics/v1/metrics");

    [Theory]
    [InlineData("grpc", "http://localhost:4317/")]
    [InlineData("http/protobuf", "http://localhost:4318/v1/metrics")]
    public void Otlp_turned_on_without_an_endpoint_goes_where_the_exporter_would_by_default(string protocol, string exportsTo)
    {
        var variables = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [OtlpVariables.Protocol] = protocol }).Build();

        var settings = OtlpSettings.Read(new HatchetWorkerMetricsOptions { OtlpEnabled = true }, variables);

        settings.Endpoint.Should().Be(new Uri(exportsTo));
        settings.ProtocolName.Should().Be(protocol, "the log names the protocol as the specification spells it");
    }

    private static Uri EndpointFrom(string baseEndpoint)
    {
        var variables = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [OtlpVariables.Endpoint] = baseEndpoint,
            [OtlpVariables.Protocol] = "http/protobuf",
        }).Build();

        var settings = OtlpSettings.Read(new HatchetWorkerMetricsOptions(), variables);

        settings.Problems.Should().BeEmpty();
        return settings.Endpoint;
    }
}
