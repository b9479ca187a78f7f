using System.Net;
using System.Text;

namespace OpenTelemetry.Hatchet.Healthcheck;

/// <summary>
/// Answers every request on the healthcheck port that the Prometheus exporter does not take:
/// <c>GET</c> and <c>HEAD</c> on exactly <c>/health</c> report the worker's status; anything else is 404 or 405.
/// </summary>
/// <remarks>
/// The body is the Python SDK's: only <c>{"status":"..."}</c>, because the port is often reachable by anyone
/// on the network. <c>200</c> means <see cref="HatchetWorkerStatus.Healthy"/>, every other status is <c>503</c>.
/// Nothing from the request is written back.
/// </remarks>
internal static class HealthEndpoint
{
    public const string Path = "/health";

    private static readonly byte[][] Bodies =
    [
        .. Enum.GetValues<HatchetWorkerStatus>().Select(status => Encoding.UTF8.GetBytes($"{{\"status\":\"{status.ToString().ToUpperInvariant()}\"}}")),
    ];

    public static async Task RespondAsync(HttpListenerContext context, HatchetWorkerStatus status)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["Cache-Control"] = "no-store";

        if (!string.Equals(request.Url?.AbsolutePath, Path, StringComparison.Ordinal))
        {
            Empty(response, HttpStatusCode.NotFound);
            return;
        }

        var isHead = request.HttpMethod == "HEAD";
        if (!isHead && request.HttpMethod != "GET")
        {
            response.Headers["Allow"] = "GET, HEAD";
            Empty(response, HttpStatusCode.MethodNotAllowed);
            return;
        }

        var body = Bodies[(int)status];
        response.StatusCode = status == HatchetWorkerStatus.Healthy ? 200 : 503;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        if (!isHead)
        {
            await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        }

        response.Close();
    }

    private static void Empty(HttpListenerResponse response, HttpStatusCode status)
    {
        response.StatusCode = (int)status;
        response.ContentLength64 = 0;
        response.Close();
    }
}
