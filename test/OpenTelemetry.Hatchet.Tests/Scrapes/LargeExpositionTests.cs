using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace OpenTelemetry.Hatchet.Tests.Scrapes;

/// <summary>An exposition far larger than a socket's buffer reaches the scraper whole.</summary>
public sealed class LargeExpositionTests
{
    // Under the OpenTelemetry SDK's default cardinality limit of 2000 series per metric.
    private const int Series = 1900;

    [Theory]
    [InlineData(HatchetExposition.TextAccept)]
    [InlineData(HatchetExposition.PrometheusAccept)]
    public async Task Exposition_over_a_hundred_kilobytes_arrives_intact(string accept)
    {
        using var meter = new Meter($"Large.{Guid.NewGuid():N}");
        meter.CreateObservableGauge("large.gauge", () => Enumerable.Range(0, Series).Select(i => new Measurement<int>(i, new KeyValuePair<string, object?>("series", $"series-number-{i:D5}"))));
        await using var worker = await WorkerHost.StartAsync(services: services => services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meter.Name)));

        var scrape = await HatchetExposition.ScrapeAsync(worker.Port, accept);

        scrape.Body.Length.Should().BeGreaterThan(128 * 1024);
        var samples = scrape.Body.Split('\n')
            .Select(line => Regex.Match(line, "^large_gauge\\{.*series=\"series-number-(\\d{5})\".*\\} (\\d+)$"))
            .Where(match => match.Success)
            .Select(match => (Series: int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), Value: int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        samples.Should().BeEquivalentTo(Enumerable.Range(0, Series).Select(i => (Series: i, Value: i)), "every series once, each with its own value");
        scrape.Body.Should().Contain("hatchet_worker_status{");
        if (accept == HatchetExposition.PrometheusAccept)
        {
            scrape.Body.Should().EndWith("# EOF\n");
        }
    }
}
