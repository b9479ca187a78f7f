using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Port;
using OpenTelemetry.Hatchet.Scrape;
using OpenTelemetry.Hatchet.Status;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>Reading the <c>hatchet_worker_*</c> part of an exposition, and workers whose gauges hold still.</summary>
internal static class HatchetExposition
{
    public const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    public const string TextAccept = "text/plain";

    public const string OpenMetricsV0Accept = "application/openmetrics-text; version=0.0.1";

    public const string TextV1Accept = "text/plain; version=1.0.0";

    /// <summary>A worker whose thread-pool lag is only what the test reports: its monitor is not run.</summary>
    public static Task<WorkerHost> StartStillWorkerAsync(Action<IServiceCollection>? services = null)
        => WorkerHost.StartAsync(services: collection =>
        {
            var monitor = collection.Single(service => service.ImplementationType == typeof(ThreadPoolStarvationMonitor));
            collection.Remove(monitor);
            services?.Invoke(collection);
        });

    /// <summary>The lines of the Hatchet families, in their order, each with its line feed.</summary>
    public static string Families(string exposition)
    {
        var text = new StringBuilder();
        foreach (var line in exposition.Split('\n'))
        {
            var name = line.StartsWith('#') ? line.Split(' ').ElementAtOrDefault(2) ?? string.Empty : line;
            if (name.StartsWith("hatchet_worker_", StringComparison.Ordinal))
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The lines of the <c>target_info</c> family, each with its line feed: <c>target_info</c> in text,
    /// <c>target</c> (of type <c>info</c>) in OpenMetrics.
    /// </summary>
    public static string TargetInfo(string exposition)
    {
        var text = new StringBuilder();
        foreach (var line in exposition.Split('\n'))
        {
            var name = line.StartsWith('#') ? line.Split(' ').ElementAtOrDefault(2) ?? string.Empty : line.Split('{', ' ')[0];
            if (name is "target_info" or "target")
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The <c>target_info</c> the fallback writes for the worker's MeterProvider, as the relay gives it.</summary>
    public static HatchetFamiliesWriter.TargetInfo? TargetInfoOf(WorkerHost worker)
        => HatchetFamiliesWriter.TargetInfo.Of(worker.Host.Services.GetRequiredService<MeterProvider>().GetResource());

    /// <summary>What the fallback writes for the worker's state now, with the worker's <c>target_info</c>.</summary>
    public static string FallbackWithTargetInfo(WorkerHost worker, ExpositionFormat format)
        => Encoding.UTF8.GetString(HatchetFamiliesWriter.WriteExposition(worker.Health, format, TargetInfoOf(worker)));

    /// <summary>What the fallback writes for the worker's state now.</summary>
    public static string Fallback(WorkerHost worker, ExpositionFormat format)
        => Encoding.UTF8.GetString(HatchetFamiliesWriter.WriteExposition(worker.Health, format));

    /// <summary>Asks the exporter's own listener on its private port, as the forwarder does.</summary>
    public static async Task<(string ContentType, string Body)> AskExporterAsync(WorkerHost worker, string accept)
    {
        var port = worker.Host.Services.GetRequiredService<HealthcheckServer>().ExporterPort
            ?? throw new InvalidOperationException("the exporter is not being served");
        var answer = await RawHttp.ExchangeAsync(port, $"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\n\r\n");
        return Split(answer);
    }

    /// <summary>Asks the exporter's own listener, as <see cref="AskExporterAsync"/> does, and reads its answer as UTF-8.</summary>
    public static async Task<string> AskExporterUtf8Async(WorkerHost worker, string accept)
    {
        var port = worker.Host.Services.GetRequiredService<HealthcheckServer>().ExporterPort
            ?? throw new InvalidOperationException("the exporter is not being served");
        using var client = new HttpClient { Timeout = RawConnection.ReadTimeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/metrics");
        request.Headers.TryAddWithoutValidation("Accept", accept).Should().BeTrue();
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A scrape of the public port on a new connection.</summary>
    public static async Task<(string ContentType, string Body)> ScrapeAsync(int port, string accept, string extraHeaders = "")
    {
        var answer = await RawHttp.ExchangeAsync(port, $"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\n{extraHeaders}Connection: close\r\n\r\n");
        answer.Should().StartWith("HTTP/1.1 200 ");
        return Split(answer);
    }

    private static (string ContentType, string Body) Split(string answer)
    {
        var end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        end.Should().BePositive($"an HTTP answer has a head:\n{answer}");
        var contentType = answer[..end].Split("\r\n").Single(line => line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))["Content-Type:".Length..].Trim();
        return (contentType, answer[(end + 4)..]);
    }
}
