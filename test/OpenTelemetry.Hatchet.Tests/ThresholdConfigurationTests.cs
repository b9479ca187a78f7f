using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests;

public sealed class ThresholdConfigurationTests
{
    [Theory]
    [InlineData("5", 5)]
    [InlineData("2.5", 2.5)]
    [InlineData("5s", 5)]
    [InlineData(" 0.25S ", 0.25)]
    public async Task Python_sdk_threshold_forms_set_the_thread_pool_lag_threshold(string value, double seconds)
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.EventLoopBlockThreshold] = value });

        Options(worker).ThreadPoolLagThreshold.Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public async Task Threshold_with_a_decimal_point_is_read_the_same_under_a_decimal_comma_culture()
    {
        // Written as the Python SDK documents it; a German or French worker must not read it as 25 s or refuse it.
        var decimalComma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        decimalComma.NumberFormat.NumberDecimalSeparator = ",";
        decimalComma.NumberFormat.NumberGroupSeparator = ".";
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = decimalComma;
        try
        {
            await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?> { [HatchetVariables.EventLoopBlockThreshold] = "2.5" });

            Options(worker).ThreadPoolLagThreshold.Should().Be(TimeSpan.FromSeconds(2.5));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public async Task Threshold_defaults_to_five_seconds()
    {
        await using var worker = await WorkerHost.StartAsync();

        Options(worker).ThreadPoolLagThreshold.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("5m")]
    [InlineData("")]
    public async Task Bad_threshold_stops_startup_naming_variable_and_value(string value)
    {
        await using var worker = WorkerHost.Build(new Dictionary<string, string?> { [HatchetVariables.EventLoopBlockThreshold] = value });

        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);

        var failure = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.Message.Should().Contain($"{HatchetVariables.EventLoopBlockThreshold}='{value}'").And.Contain("2.5");
    }

    [Fact]
    public async Task Zero_timeout_in_code_stops_startup_naming_the_option()
    {
        await using var worker = WorkerHost.Build(configure: options => options.HeartbeatTimeout = TimeSpan.Zero);

        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("HeartbeatTimeout='00:00:00' is out of range");
    }

    [Fact]
    public async Task Blank_health_check_tag_stops_startup_naming_the_option()
    {
        await using var worker = WorkerHost.Build(configure: options => options.HealthChecksTag = " ");

        var start = () => worker.Host.StartAsync(TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("HealthChecksTag=' ' is blank");
    }

    [Fact]
    public async Task Section_sets_the_listener_and_heartbeat_timeouts()
    {
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hatchet:Worker:ListenerConnectTimeout"] = "00:00:30",
            ["Hatchet:Worker:HeartbeatTimeout"] = "00:00:20",
        });

        Options(worker).ListenerConnectTimeout.Should().Be(TimeSpan.FromSeconds(30));
        Options(worker).HeartbeatTimeout.Should().Be(TimeSpan.FromSeconds(20));
    }

    private static HatchetWorkerMetricsOptions Options(WorkerHost worker)
        => worker.Host.Services.GetRequiredService<IOptions<HatchetWorkerMetricsOptions>>().Value;
}
