using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>The operator kit's Prometheus files, checked by promtool as an operator would before loading them.</summary>
public sealed class OperatorKitPromtoolTests
{
    [Fact]
    public async Task Promtool_check_config_accepts_the_prometheus_config_and_its_rule_file()
    {
        var check = await Promtool.RunAsync(["check", "config", OperatorKit.PrometheusConfig]);

        check.ExitCode.Should().Be(0, check.Output);
        check.Output.Should().Contain($"SUCCESS: {OperatorKit.PrometheusConfig} is valid prometheus config file syntax")
            .And.Contain("SUCCESS: 1 rule files found");
    }

    [Fact]
    public async Task Promtool_check_rules_accepts_the_three_alerting_rules()
    {
        var check = await Promtool.RunAsync(["check", "rules", OperatorKit.AlertingRules]);

        check.ExitCode.Should().Be(0, check.Output);
        check.Output.Should().Contain("SUCCESS: 3 rules found");
    }

    [Fact]
    public async Task Promtool_test_rules_sees_each_alert_fire_for_a_failing_worker_and_none_for_a_healthy_one()
    {
        var test = await Promtool.RunAsync(["test", "rules", OperatorKit.AlertingRulesTests]);

        test.ExitCode.Should().Be(0, test.Output);
        test.Output.Should().Contain("SUCCESS");
    }
}
