using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>
/// One OTLP exporter per application: the package's exporter comes only when asked for, so an application
/// that exports by OTLP itself, configured by the standard variables, sends each metric once.
/// </summary>
/// <remarks>
/// The export interval is left at its 60 s default, so no periodic export happens during a test; one
/// flush of the MeterProvider makes every OTLP reader on it export exactly once, and a second exporter
/// would show as a second copy of every metric.
/// </remarks>
public sealed class ApplicationExporterTests
{
    private const string StatusGauge = "hatchet.worker.status";

    [Fact]
    public async Task Application_UseOtlpExporter_with_the_standard_variable_receives_each_metric_once()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var host = await StartAsync(receiver, otlp => otlp.UseOtlpExporter());

        await FlushAsync(host, receiver);

        ExportedOnce(receiver);
    }

    [Fact]
    public async Task Package_switch_without_an_application_exporter_receives_each_metric_once()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var host = await StartAsync(receiver, otlp => { }, packageSwitch: "true");

        await FlushAsync(host, receiver);

        ExportedOnce(receiver);
    }

    // The flush returns once every reader has collected; the Prometheus reader, which nobody scrapes here,
    // makes it return false, so the OTLP export is awaited rather than the flush's result trusted.
    private static async Task FlushAsync(IHost host, OtlpReceiver receiver)
    {
        host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
        await receiver.WaitForAsync(export => export.GaugeValue(StatusGauge) is not null, "an export with hatchet.worker.status");
    }

    private static void ExportedOnce(OtlpReceiver receiver)
    {
        var names = receiver.Exports.SelectMany(export => export.Metrics).Select(metric => metric.Name).ToList();
        names.Should().Contain(StatusGauge).And.Contain(name => name.StartsWith("dotnet.", StringComparison.Ordinal));
        names.GroupBy(name => name).Where(group => group.Count() > 1).Select(group => $"{group.Key} ×{group.Count()}")
            .Should().BeEmpty("each metric must arrive once; received {0} exports", receiver.Exports.Count);
    }

    private static async Task<IHost> StartAsync(OtlpReceiver receiver, Action<IOpenTelemetryBuilder> application, string? packageSwitch = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [HatchetVariables.Enabled] = "false",
            [OtlpVariables.Endpoint] = receiver.GrpcEndpoint.ToString(),
            [OtlpVariables.Protocol] = "grpc",
            [OtlpVariables.PackageSwitch] = packageSwitch,
        });
        var otlp = builder.Services.AddOpenTelemetry();
        application(otlp);
        otlp.WithHatchetWorkerMetrics();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }
}
