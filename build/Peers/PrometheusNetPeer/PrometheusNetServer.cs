using System.Net;
using Prometheus;

namespace PrometheusNetPeer;

/// <summary>
/// What a .NET worker would run with prometheus-net instead of this package: its stand-alone
/// <see cref="MetricServer"/> serving <c>hatchet_worker_status</c> = 1 on <c>/metrics</c>, and, since
/// prometheus-net has no health endpoint, a plain HttpListener answering <c>/health</c> with the same JSON
/// on the same port.
/// </summary>
/// <remarks>
/// The two listeners share the port: the managed HttpListener routes
/// <c>/metrics</c> to the MetricServer's longer prefix and everything else to the root one.
/// </remarks>
public sealed class PrometheusNetServer : IDisposable
{
    private static readonly byte[] HealthBody = "{\"status\":\"HEALTHY\"}"u8.ToArray();

    private readonly MetricServer metrics;
    private readonly HttpListener health;

    private PrometheusNetServer(MetricServer metrics, HttpListener health)
    {
        this.metrics = metrics;
        this.health = health;
        _ = Task.Run(this.AnswerHealthAsync);
    }

    /// <summary>Starts serving on every IPv4 interface, as the MetricServer does by default.</summary>
    public static PrometheusNetServer Start(int port, CollectorRegistry registry)
    {
        Metrics.WithCustomRegistry(registry)
            .CreateGauge("hatchet_worker_status", "Current status of the Hatchet worker")
            .Set(1);
        var metrics = new MetricServer(port, registry: registry);
        metrics.Start();

        var health = new HttpListener { IgnoreWriteExceptions = true };
        health.Prefixes.Add($"http://+:{port}/");
        health.Start();
        return new PrometheusNetServer(metrics, health);
    }

    public void Dispose()
    {
        this.health.Close();
        this.metrics.Dispose();
    }

    private async Task AnswerHealthAsync()
    {
        while (this.health.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await this.health.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Respond(context);
        }
    }

    private static async Task Respond(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            response.Headers["Cache-Control"] = "no-store";
            if (context.Request.Url?.AbsolutePath != "/health")
            {
                response.StatusCode = 404;
                response.ContentLength64 = 0;
            }
            else
            {
                response.ContentType = "application/json";
                response.ContentLength64 = HealthBody.Length;
                await response.OutputStream.WriteAsync(HealthBody).ConfigureAwait(false);
            }

            response.Close();
        }
        catch (HttpListenerException)
        {
            // The benchmark client hung up; nothing to answer.
            response.Abort();
        }
    }
}
