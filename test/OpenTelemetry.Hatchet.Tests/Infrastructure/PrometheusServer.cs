using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace OpenTelemetry.Hatchet.Tests.Infrastructure;

/// <summary>
/// A real Prometheus server (the <c>prometheus</c> binary) on a free loopback port, with its own data
/// directory, scraping the given targets with the seed's scrape config. Queried through its HTTP API.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private readonly Process process;
    private readonly string directory;
    private readonly int port;
    private readonly ConcurrentQueue<string> log = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        this.port = port;
        process.OutputDataReceived += (_, line) => this.Collect(line.Data);
        process.ErrorDataReceived += (_, line) => this.Collect(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What Prometheus logged, for failure messages.</summary>
    public string Log => string.Join('\n', this.log);

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) every second, and waits until it is ready.</summary>
    public static Task<PrometheusServer> StartAsync(string target)
        => StartWithConfigAsync(
            // The seed's scrape config, with the test's target and a short interval so that the test is quick.
            $"""
            scrape_configs:
              - job_name: "hatchet"
                scrape_interval: 1s
                static_configs:
                  - targets: ["{target}"]
            """);

    /// <summary>Starts Prometheus with the whole of <paramref name="config"/> as its prometheus.yml, and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartWithConfigAsync(string config)
    {
        var binary = ExternalTool.Require("prometheus");
        var directory = Directory.CreateTempSubdirectory("hatchet-prometheus-").FullName;
        var configFile = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config, TestContext.Current.CancellationToken);

        var port = FreeTcpPort.Next();
        var start = new ProcessStartInfo(binary, [
            $"--config.file={configFile}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var server = new PrometheusServer(Process.Start(start)!, directory, port);
        try
        {
            await Eventually.Until(server.IsReadyAsync, ready => ready, "Prometheus to be ready");
            return server;
        }
        catch (TimeoutException timeout)
        {
            var log = server.Log;
            await server.DisposeAsync();
            throw new TimeoutException($"{timeout.Message}\nPrometheus log:\n{log}", timeout);
        }
    }

    /// <summary>Evaluates an instant PromQL query now; the answer is its result vector.</summary>
    public async Task<Vector> QueryAsync(string promql, DateTimeOffset? at = null)
    {
        var time = at is { } moment ? $"&time={(moment.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture)}" : string.Empty;
        var uri = new Uri($"http://127.0.0.1:{this.port}/api/v1/query?query={Uri.EscapeDataString(promql)}{time}");
        using var response = await Http.GetAsync(uri, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);

        using var json = JsonDocument.Parse(body);
        return new Vector([.. json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(Sample.Parse)]);
    }

    /// <summary>
    /// The same with a blocking socket only, for a test that has starved the thread pool and so cannot await.
    /// </summary>
    public Vector Query(string promql)
    {
        var answer = RawHttp.Exchange(this.port, RawHttp.Get($"/api/v1/query?query={Uri.EscapeDataString(promql)}"), TimeSpan.FromSeconds(5));
        answer.Should().StartWith("HTTP/1.1 200", answer);
        using var json = JsonDocument.Parse(answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        return new Vector([.. json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(Sample.Parse)]);
    }

    public async ValueTask DisposeAsync()
    {
        // Killed, not asked to stop: nothing of its data is kept, and a kill cannot hang the test run.
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
        }

        await this.process.WaitForExitAsync(CancellationToken.None);
        this.process.Dispose();
        Directory.Delete(this.directory, recursive: true);
    }

    private async Task<bool> IsReadyAsync()
    {
        if (this.process.HasExited)
        {
            throw new InvalidOperationException($"Prometheus exited with code {this.process.ExitCode}:\n{this.Log}");
        }

        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{this.port}/-/ready"), TestContext.Current.CancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            this.log.Enqueue(line);
        }
    }

    /// <summary>A query's result vector, printed as Prometheus shows it, so that a timed-out wait says what it last saw.</summary>
    internal sealed record Vector(IReadOnlyList<Sample> Samples)
    {
        public override string ToString() => $"[{string.Join("; ", this.Samples)}]";
    }

    /// <summary>One element of a query's result vector: its labels (with <c>__name__</c>) and its value.</summary>
    internal sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public static Sample Parse(JsonElement element) => new(
            element.GetProperty("metric").EnumerateObject().ToDictionary(label => label.Name, label => label.Value.GetString()!),
            double.Parse(element.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));

        public override string ToString()
            => $"{{{string.Join(", ", this.Labels.Select(label => $"{label.Key}=\"{label.Value}\""))}}} {this.Value.ToString(CultureInfo.InvariantCulture)}";
    }
}
