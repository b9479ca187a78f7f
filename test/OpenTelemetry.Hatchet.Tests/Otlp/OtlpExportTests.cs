using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
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
    public async Task Code_configured_grpc_sends_status_1_and_runtime_metrics()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(), options =>
        {
            options.OtlpEnabled = true;
            options.OtlpEndpoint = receiver.GrpcEndpoint;
            options.OtlpProtocol = OtlpExportProtocol.Grpc;
        });

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.Grpc);
        export.Path.Should().Be(GrpcExportPath);
        export.Metrics.Select(metric => metric.Name).Should().Contain(name => name.StartsWith("dotnet.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Code_configured_http_protobuf_posts_to_the_endpoint_as_given()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(), options =>
        {
            options.OtlpEnabled = true;
            options.OtlpEndpoint = receiver.HttpMetricsEndpoint;
            options.OtlpProtocol = OtlpExportProtocol.HttpProtobuf;
        });

        var export = await receiver.WaitForAsync(Healthy, "an HTTP export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.HttpProtobuf);
        export.Path.Should().Be("/v1/metrics");
        export.ContentType.Should().Be("application/x-protobuf");
    }

    [Fact]
    public async Task Configuration_section_turns_otlp_on()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(new()
        {
            ["Hatchet:Worker:OtlpEnabled"] = "true",
            ["Hatchet:Worker:OtlpEndpoint"] = receiver.HttpMetricsEndpoint.ToString(),
            ["Hatchet:Worker:OtlpProtocol"] = "HttpProtobuf",
        }));

        var export = await receiver.WaitForAsync(Healthy, "an HTTP export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.HttpProtobuf);
    }

    [Fact]
    public async Task Package_variable_turns_otlp_on_and_grpc_variables_say_where_under_OTEL_SERVICE_NAME()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(
            FastExport(new()
            {
                [OtlpVariables.PackageSwitch] = "true",
                [OtlpVariables.Endpoint] = receiver.GrpcEndpoint.ToString(),
                [OtlpVariables.Protocol] = "grpc",
                [OtlpVariables.ServiceName] = "service-from-variable",
            }));

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.Grpc);
        export.ServiceName.Should().Be("service-from-variable");
    }

    [Fact]
    public async Task Http_protobuf_variables_post_to_v1_metrics_and_leave_the_service_unnamed()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(new()
        {
            [OtlpVariables.PackageSwitch] = "true",
            // The base URL, as for every signal: the path for metrics is added to it.
            [OtlpVariables.Endpoint] = receiver.HttpEndpoint.ToString(),
            [OtlpVariables.Protocol] = "http/protobuf",
        }));

        var export = await receiver.WaitForAsync(Healthy, "an HTTP export with hatchet.worker.status 1");

        export.Transport.Should().Be(ReceivedExport.HttpProtobuf);
        export.Path.Should().Be("/v1/metrics");
        worker.Logs.Lines.Should().Contain(line => line.Message == $"Hatchet worker metrics also go by OTLP (http/protobuf) to {receiver.HttpMetricsEndpoint} (from OTEL_EXPORTER_OTLP_ENDPOINT)");

        // The resource is the application's: the package adds nothing to it, so the SDK's default stands.
        export.ServiceName.Should().StartWith("unknown_service");
    }

    [Fact]
    public async Task Metrics_specific_variables_win_and_their_endpoint_is_used_as_given()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(new()
        {
            [OtlpVariables.PackageSwitch] = "true",
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
            options =>
            {
                options.OtlpEnabled = true;
                options.OtlpEndpoint = receiver.GrpcEndpoint;
            });

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        export.GaugeValue(StatusGauge).Should().Be(1);
        FreeTcpPort.IsListening(worker.Port).Should().BeFalse();
    }

    [Fact]
    public async Task Unhealthy_worker_sends_status_0()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(), options =>
        {
            options.OtlpEnabled = true;
            options.OtlpEndpoint = receiver.GrpcEndpoint;
        });
        await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");

        worker.Health.ReportStatus(HatchetWorkerStatus.Unhealthy, "lost the dispatcher");

        await receiver.WaitForAsync(export => export.GaugeValue(StatusGauge) == 0, "an export with hatchet.worker.status 0");
    }

    [Fact]
    public async Task Otlp_is_off_by_default_although_the_variables_name_a_collector()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var worker = await WorkerHost.StartAsync(FastExport(new()
        {
            [OtlpVariables.Endpoint] = receiver.GrpcEndpoint.ToString(),
            [OtlpVariables.MetricsEndpoint] = receiver.GrpcEndpoint.ToString(),
        }));

        // A flush makes every reader of the provider export now, so an OTLP reader would send here.
        worker.Host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);

        receiver.Exports.Should().BeEmpty();
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Collector_refusing_connections_leaves_the_worker_healthy(OtlpExportProtocol protocol)
    {
        using var exporterEvents = new ExporterEvents();
        var closedPort = FreeTcpPort.Next();
        await using var worker = await WorkerHost.StartAsync(FastExport(), options =>
        {
            options.OtlpEnabled = true;
            options.OtlpEndpoint = new Uri($"http://127.0.0.1:{closedPort}/v1/metrics");
            options.OtlpProtocol = protocol;
        });

        // The exporter reports each refused export through its EventSource, naming the endpoint.
        await Eventually.Until(() => exporterEvents.Mentions($"127.0.0.1:{closedPort}"), "the exporter to report a failed export");

        worker.Health.Status.Should().Be(HatchetWorkerStatus.Healthy);
        (await worker.Client.GetAsync("/health")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Application_resource_names_the_service()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(FastExport(new() { [HatchetVariables.Enabled] = "false" }));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("application-service"))
            .WithHatchetWorkerMetrics(options =>
            {
                options.OtlpEnabled = true;
                options.OtlpEndpoint = receiver.GrpcEndpoint;
            });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var export = await receiver.WaitForAsync(Healthy, "a gRPC export with hatchet.worker.status 1");
        await host.StopAsync(TestContext.Current.CancellationToken);

        export.ServiceName.Should().Be("application-service");
    }

    [Fact]
    public async Task Export_timeout_variable_drops_a_collection_that_outlasts_it()
    {
        // The SDK's periodic reader gives up on a collection whose observable callbacks use up
        // OTEL_METRIC_EXPORT_TIMEOUT, and exports nothing for it; with the 30 s default these slow callbacks
        // would be exported every time.
        await using var receiver = await OtlpReceiver.StartAsync();
        using var slowMeter = new Meter($"OpenTelemetry.Hatchet.Tests.SlowGauge.{Guid.NewGuid():N}");
        var slow = true;
        var collections = 0;
        slowMeter.CreateObservableGauge("test.slow_gauge", () =>
        {
            Interlocked.Increment(ref collections);
            if (Volatile.Read(ref slow))
            {
                Thread.Sleep(400);
            }

            return 1;
        });
        await using var worker = await WorkerHost.StartAsync(
            FastExport(new() { [OtlpVariables.ExportTimeout] = "200" }),
            options =>
            {
                options.OtlpEnabled = true;
                options.OtlpEndpoint = receiver.HttpMetricsEndpoint;
                options.OtlpProtocol = OtlpExportProtocol.HttpProtobuf;
            },
            services => services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(slowMeter.Name)));

        // Each collection exports (or not) before the next begins, so by the third a reader that ignored
        // the timeout would have delivered two.
        await Eventually.Until(() => Volatile.Read(ref collections) >= 3, "three slow collections");
        receiver.Exports.Should().BeEmpty("every collection took 400 ms, past OTEL_METRIC_EXPORT_TIMEOUT=200");

        Volatile.Write(ref slow, false);
        await receiver.WaitForAsync(Healthy, "an export once a collection fits in the timeout");
    }

    private static bool Healthy(ReceivedExport export) => export.GaugeValue(StatusGauge) == 1;

    private static Dictionary<string, string?> FastExport(Dictionary<string, string?>? settings = null)
    {
        var all = settings ?? [];
        all[OtlpVariables.ExportInterval] = "100";
        return all;
    }
}
