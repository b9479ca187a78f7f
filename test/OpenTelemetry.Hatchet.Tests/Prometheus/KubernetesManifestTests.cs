using System.Net;
using System.Text.RegularExpressions;

namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>The operator kit's Kubernetes manifest points its probes and scrape annotation at paths a worker serves.</summary>
public sealed partial class KubernetesManifestTests
{
    [Fact]
    public async Task Every_path_the_manifest_probes_or_scrapes_answers_200_on_a_healthy_worker()
    {
        var manifest = await File.ReadAllTextAsync(OperatorKit.KubernetesManifest, TestContext.Current.CancellationToken);
        var paths = ProbePath().Matches(manifest).Concat(ScrapePath().Matches(manifest)).Select(match => match.Groups["path"].Value).ToList();
        paths.Should().BeEquivalentTo(["/health", "/livez", "/readyz", "/metrics"]);
        await using var worker = await ReportingWorker.StartAsync();

        foreach (var path in paths)
        {
            var reply = await worker.Client.GetAsync(path);
            reply.Status.Should().Be(HttpStatusCode.OK, path);
        }
    }

    [GeneratedRegex(@"(?m)^\s+path:\s*(?<path>/\S*)\s*$")]
    private static partial Regex ProbePath();

    [GeneratedRegex(@"prometheus\.io/path:\s*""(?<path>[^""]+)""")]
    private static partial Regex ScrapePath();
}
