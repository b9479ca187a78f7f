using OpenTelemetry.Hatchet.Configuration;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class OptionsValidatorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(65535)]
    public void Every_tcp_port_is_accepted(int port)
        => Validate(new HatchetWorkerMetricsOptions { HealthcheckPort = port }).Succeeded.Should().BeTrue();

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Port_outside_the_tcp_range_is_refused(int port)
        => Validate(new HatchetWorkerMetricsOptions { HealthcheckPort = port }).FailureMessage.Should().Contain($"HealthcheckPort (HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT)='{port}' is not a port");

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(HatchetWorkerMetricsOptions options)
        => new HatchetWorkerMetricsOptionsValidator().Validate(null, options);
}
