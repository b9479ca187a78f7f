using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("TRUE")]
    [InlineData("1")]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("t")]
    [InlineData("y")]
    public async Task Python_sdk_true_words_enable_the_healthcheck(string word)
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.Enabled] = word });

        (await worker.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData("0")]
    [InlineData("no")]
    [InlineData("off")]
    [InlineData("f")]
    [InlineData("n")]
    public async Task Python_sdk_false_words_leave_the_port_closed(string word)
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.Enabled] = word });

        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("")]
    [InlineData("enabled")]
    public async Task Unknown_enabled_word_stops_startup_naming_variable_and_value(string word)
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [HatchetVariables.Enabled] = word });

        var failure = await StartupFailure(worker);

        failure.Message.Should().Contain($"{HatchetVariables.Enabled}='{word}'");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("-1")]
    [InlineData("80.5")]
    [InlineData("")]
    public async Task Bad_port_stops_startup_naming_variable_and_value(string value)
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [HatchetVariables.Port] = value });

        var failure = await StartupFailure(worker);

        failure.Message.Should().Contain($"{HatchetVariables.Port}='{value}'").And.Contain("1 to 65535");
    }

    [Fact]
    public async Task Port_variable_moves_health_and_metrics()
    {
        var port = FreeTcpPort.Next();
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.Port] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var client = new HealthcheckClient(port);
        (await client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/metrics")).Body.Should().Contain("hatchet_worker_status");
    }

    [Fact]
    public async Task Configuration_section_configures_the_healthcheck()
    {
        var port = FreeTcpPort.Next();
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            [HatchetVariables.Enabled] = null,
            [HatchetVariables.Port] = null,
            [HatchetVariables.BindAddress] = null,
            ["Hatchet:Worker:HealthcheckEnabled"] = "true",
            ["Hatchet:Worker:HealthcheckPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hatchet:Worker:HealthcheckBindAddress"] = "localhost",
        });

        (await new HealthcheckClient(port).GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Environment_variable_wins_over_the_configuration_section()
    {
        var sectionPort = FreeTcpPort.Next();
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hatchet:Worker:HealthcheckPort"] = sectionPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        (await worker.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        FreeTcpPort.IsListening(sectionPort).Should().BeFalse();
    }

    [Fact]
    public async Task Code_wins_over_configuration()
    {
        var codePort = FreeTcpPort.Next();
        await using var worker = await WorkerHost.StartAsync(configure: options => options.HealthcheckPort = codePort);

        (await new HealthcheckClient(codePort).GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();
    }

    [Fact]
    public async Task Bad_port_in_code_stops_startup_naming_the_option()
    {
        await using var worker = WorkerHost.Build(configure: options => options.HealthcheckPort = 70000);

        var failure = await StartupFailure(worker);

        failure.Message.Should().Contain("HealthcheckPort").And.Contain("70000");
    }

    [Fact]
    public async Task Bad_boolean_in_the_section_stops_startup_naming_key_and_value()
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { ["Hatchet:Worker:HealthcheckEnabled"] = "maybe" });

        var failure = await StartupFailure(worker);

        failure.Message.Should().Match("*'maybe'*Hatchet:Worker:HealthcheckEnabled*");
    }

    [Fact]
    public async Task Validation_failures_all_name_their_setting_at_once()
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [HatchetVariables.Enabled] = "maybe", [HatchetVariables.Port] = "abc" });

        var failure = await StartupFailure(worker);

        failure.Failures.Should().HaveCount(2);
    }

    internal static async Task<OptionsValidationException> StartupFailure(WorkerHost worker)
    {
        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);
        return (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
    }
}
