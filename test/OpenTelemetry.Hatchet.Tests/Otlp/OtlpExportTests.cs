using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>
/// The metrics go by OTLP to a receiver on loopback, configured in code, in the <c>Hatchet:Worker</c>
/// section, or by the OpenTelemetry variables (supplied through configuration, as the host supplies the
/// environment, so that tests running in parallel do not share them).
/// </summary>
public sealed class OtlpExportTests
{
    private const string StatusGauge = "hatchet.worker.status";
    private const string GrpcExportPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    [Fact]
    public async Task Code_configured_grpc_sends_status_1_and_runtime_metrics_named_after_the_worker()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(), options =>
        {
            options.OtlpEndpoint = receiver.GrpcEndpoint.ToString();
            options.OtlpProtocol = "grpc";
            options.WorkerName = "orders-worker";
        });

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.Grpc);
        export.Path.Should().Be(GrpcExportPath);
        export.ServiceName.Should().Be("orders-worker");
        export.Metrics.Select(metric => metric.Name).Should().Contain(name => name.StartsWith("dotnet.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Code_configured_http_protobuf_posts_to_the_endpoint_as_given()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(), options =>
        {
            options.OtlpEndpoint = receiver.HttpMetricsEndpoint.ToString();
            options.OtlpProtocol = "http/protobuf";
            options.WorkerName = "orders-worker";
        });

        var export = await receiver.WaitForAsync(Healthy, "an HTTP export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.HttpProtobuf);
        export.Path.Should().Be("/v1/metrics");
        export.ContentType.Should().Be("application/x-protobuf");
        export.ServiceName.Should().Be("orders-worker");
    }

    [Fact]
    public async Task Configuration_section_turns_otlp_on()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(new()
        {
            ["Hatchet:Worker:OtlpEndpoint"] = receiver.GrpcEndpoint.ToString(),
            ["Hatchet:Worker:OtlpProtocol"] = "grpc",
            ["Hatchet:Worker:WorkerName"] = "section-worker",
        }));

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        export.ServiceName.Should().Be("section-worker");
    }

    [Fact]
    public async Task Grpc_variables_send_under_OTEL_SERVICE_NAME_rather_than_the_worker_name()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(
            FastExport(new()
            {
                [OtlpVariables.Endpoint] = receiver.GrpcEndpoint.ToString(),
                [OtlpVariables.Protocol] = "grpc",
                [OtlpVariables.ServiceName] = "service-from-variable",
            }),
            options => options.WorkerName = "orders-worker");

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.Grpc);
        export.ServiceName.Should().Be("service-from-variable");
    }

    [Fact]
    public async Task Http_protobuf_variables_post_to_v1_metrics_under_the_application_name()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(new()
        {
            // The base URL, as for every signal: the path for metrics is added to it.
            [OtlpVariables.Endpoint] = receiver.HttpEndpoint.ToString(),
            [OtlpVariables.Protocol] = "http/protobuf",
        }));

        var export = await receiver.WaitForAsync(Healthy, "an HTTP export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.HttpProtobuf);
        export.Path.Should().Be("/v1/metrics");
        export.ServiceName.Should().Be(worker.Host.Services.GetRequiredService<IHostEnvironment>().ApplicationName);
        worker.Logs.Lines.Should().Contain(line => line.Message == $"Hatchet worker metrics also go by OTLP (http/protobuf) to {receiver.HttpMetricsEndpoint} (from OTEL_EXPORTER_OTLP_ENDPOINT)");
    }

    [Fact]
    public async Task Metrics_specific_variables_win_and_their_endpoint_is_used_as_given()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(new()
        {
            [OtlpVariables.Endpoint] = $"http://127.0.0.1:{FreeTcpPort.Next()}",
            [OtlpVariables.Protocol] = "grpc",
            [OtlpVariables.MetricsEndpoint] = receiver.HttpMetricsEndpoint.ToString(),
            [OtlpVariables.MetricsProtocol] = "http/protobuf",
        }));

        var export = await receiver.WaitForAsync(Healthy, "an HTTP export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.HttpProtobuf);
        export.Path.Should().Be("/v1/metrics");
    }

    [Fact]
    public async Task Otlp_goes_out_with_the_healthcheck_port_off()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(
            FastExport(new() { [HatchetVariables.Enabled] = "false" }),
            options => options.OtlpEndpoint = receiver.GrpcEndpoint.ToString());

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        export.GaugeValue(StatusGauge).Should().Be(1);
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();
    }

    [Fact]
    public async Task Unhealthy_worker_sends_status_0()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(), options => options.OtlpEndpoint = receiver.GrpcEndpoint.ToString());
        await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        worker.Health.ReportStatus(HatchetWorkerStatus.Unhealthy, "lost the dispatcher");

        await receiver.WaitForAsync(export => export.GaugeValue(StatusGauge) == 0, "an export with hatchet.worker.status 0");
    }

    [Fact]
    public async Task OtlpEnabled_false_sends_nothing_although_the_variables_name_a_collector()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(
            FastExport(new() { [OtlpVariables.Endpoint] = receiver.GrpcEndpoint.ToString() }),
            options => options.OtlpEnabled = false);

        // A flush makes every reader of the provider export now, so an OTLP reader would send here.
        worker.Host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);

        receiver.Exports.Should().BeEmpty();
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Collector_refusing_connections_leaves_the_worker_healthy(string protocol)
    {
        using var exporterEvents = new ExporterEvents();
        var closedPort = FreeTcpPort.Next();
        await using var worker = await WorkerHost.StartAsync(FastExport(), options =>
        {
            options.OtlpEndpoint = $"http://127.0.0.1:{closedPort}/v1/metrics";
            options.OtlpProtocol = protocol;
        });

        // The exporter reports each refused export through its EventSource, naming the endpoint.
        await Eventually.Until(() => exporterEvents.Mentions($"127.0.0.1:{closedPort}"), "the exporter to report a failed export");

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
        (await worker.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Application_service_name_wins_even_when_set_before_the_hatchet_metrics()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(FastExport(new() { [HatchetVariables.Enabled] = "false" }));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("application-service"))
            .WithHatchetWorkerMetrics(options =>
            {
                options.OtlpEndpoint = receiver.GrpcEndpoint.ToString();
                options.WorkerName = "orders-worker";
            });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");
        await host.StopAsync(TestContext.Current.CancellationToken);

        export.ServiceName.Should().Be("application-service");
    }

    private static bool Healthy(ReceivedExport export) => export.GaugeValue(StatusGauge) == 1;

    private static Dictionary<string, string?> FastExport(Dictionary<string, string?>? settings = null)
    {
        var all = settings ?? [];
        all[OtlpVariables.ExportInterval] = "100";
        return all;
    }
}
