using System.Text;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Hatchet.Tests.Infrastructure;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>
/// The fallback exposition, written without the thread pool, against what the OpenTelemetry Prometheus
/// exporter writes for the same worker: the same bytes (<c>target_info</c> and the Hatchet families), in
/// every format, for every status.
/// </summary>
public sealed class FallbackParityTests
{
    public static TheoryData<HatchetWorkerStatus, string> Cases()
    {
        var cases = new TheoryData<HatchetWorkerStatus, string>();
        foreach (var status in Enum.GetValues<HatchetWorkerStatus>())
        {
            cases.Add(status, HatchetExposition.PrometheusAccept);
            cases.Add(status, HatchetExposition.TextAccept);
        }

        // The other two versions, for the status with every gauge published.
        cases.Add(HatchetWorkerStatus.Healthy, HatchetExposition.OpenMetricsV0Accept);
        cases.Add(HatchetWorkerStatus.Healthy, HatchetExposition.TextV1Accept);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fallback_writes_the_hatchet_families_byte_for_byte_as_the_exporter_does(HatchetWorkerStatus status, string accept)
    {
        await using var worker = await HatchetExposition.StartStillWorkerAsync();
        Arrange(worker.Health, status);
        var format = ExpositionFormats.Negotiate(Encoding.ASCII.GetBytes(accept));
        var fallback = HatchetExposition.FallbackWithTargetInfo(worker, format);

        // The exporter may answer from its cache for a moment after the state changed.
        var exporter = await Eventually.Until(
            () => HatchetExposition.AskExporterAsync(worker, accept),
            answer => HatchetExposition.Families(answer.Body) == HatchetExposition.Families(fallback),
            $"the exporter to write the same Hatchet families as the fallback:\n{fallback}");

        worker.Health.Status.Should().Be(status);
        exporter.ContentType.Should().Be(Encoding.ASCII.GetString(ExpositionFormats.ContentType(format)));
        exporter.Body.Should().Contain("dotnet_", "this is the exporter's own answer");
        var targetInfo = HatchetExposition.TargetInfo(exporter.Body);
        targetInfo.Should().Contain("target_info{").And.Contain("service_name=", "the exporter writes its MeterProvider's resource");
        exporter.Body.Should().StartWith(targetInfo, "the exporter writes target_info first");
        fallback.Should().NotContain("dotnet_").And.Contain($"hatchet_worker_status{{otel_scope_name=\"OpenTelemetry.Hatchet\",otel_scope_version=\"");
        var end = ExpositionFormats.IsOpenMetrics(format) ? "# EOF\n" : string.Empty;
        fallback.Should().Be(targetInfo + HatchetExposition.Families(fallback) + end, "the fallback holds the exporter's target_info, then the Hatchet families, and nothing else");
        exporter.Body.Should().EndWith(ExpositionFormats.IsOpenMetrics(format) ? "# EOF\n" : "\n");
    }

    // Each status with a different mix of the other gauges: lag small and large, listener unknown, up and
    // down, worker described or not.
    private static void Arrange(HatchetWorkerHealth health, HatchetWorkerStatus status)
    {
        health.ReportStatus(status);
        switch (status)
        {
            case HatchetWorkerStatus.Healthy:
                health.ReportThreadPoolLag(TimeSpan.FromTicks(765));
                health.ReportListenerConnected();
                health.ReportHeartbeatSucceeded();
                health.Describe(new HatchetWorkerDescription { Name = "parity", Slots = 10, Actions = ["a:one", "a:two"] });
                break;
            case HatchetWorkerStatus.Unhealthy:
                health.ReportThreadPoolLag(TimeSpan.FromMilliseconds(6_543.21));
                health.ReportListenerDisconnected("gone");
                health.Describe(new HatchetWorkerDescription { Name = "parity", Actions = ["a:one"] });
                break;
            case HatchetWorkerStatus.Starting:
                health.ReportThreadPoolLag(TimeSpan.FromSeconds(1.5));
                break;
            default:
                health.ReportThreadPoolLag(TimeSpan.Zero);
                health.Describe(new HatchetWorkerDescription { Name = "parity", Slots = 0, Actions = [] });
                break;
        }
    }
}
