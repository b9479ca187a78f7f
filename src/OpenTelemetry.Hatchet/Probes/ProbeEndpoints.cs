using System.Buffers;
using System.Text;
using System.Text.Json;
using OpenTelemetry.Hatchet.Http;

namespace OpenTelemetry.Hatchet.Probes;

/// <summary>
/// The answers of <c>/health</c>, <c>/livez</c> and <c>/readyz</c>, read from <see cref="HatchetWorkerHealth"/>.
/// </summary>
/// <remarks>
/// <c>/health</c> has the Python SDK's minimal body, <c>{"status":"..."}</c>, and is <c>503</c> unless
/// <c>HEALTHY</c>; <see cref="HatchetWorkerMetricsOptions.HealthEndpointAlwaysOk"/> and
/// <see cref="HatchetWorkerMetricsOptions.HealthEndpointIncludesDetails"/> give the TypeScript SDK's
/// behaviour. <c>/livez</c> fails only while the thread pool is starved: a stopping or disconnected worker
/// is still alive, and restarting it would not help. <c>/readyz</c> is <c>200</c> only when <c>HEALTHY</c>.
/// </remarks>
internal sealed class ProbeEndpoints(HatchetWorkerHealth health, HatchetWorkerMetricsOptions options)
{
    private static readonly byte[][] StatusBodies =
    [
        .. Enum.GetValues<HatchetWorkerStatus>().Select(status => Encoding.UTF8.GetBytes($"{{\"status\":\"{StatusName(status)}\"}}")),
    ];

    private static ReadOnlySpan<byte> Json => "application/json"u8;

    /// <summary>Writes the answer to a request for anything but <c>/metrics</c>; returns its length, or -1 if it does not fit.</summary>
    public int Respond(in HttpRequestHead request, Span<byte> destination, bool keepAlive)
    {
        if (request.Path == HealthcheckPath.Unknown)
        {
            return HttpResponseWriter.Write(destination, 404, HttpResponseWriter.PlainText, [], keepAlive, request.IsHead);
        }

        if (!request.IsGet && !request.IsHead)
        {
            return HttpResponseWriter.Write(destination, 405, HttpResponseWriter.PlainText, [], keepAlive, omitBody: true, "Allow: GET, HEAD"u8);
        }

        switch (request.Path)
        {
            case HealthcheckPath.Livez:
                return health.IsThreadPoolStarved
                    ? HttpResponseWriter.Write(destination, 503, HttpResponseWriter.PlainText, "thread pool starved"u8, keepAlive, request.IsHead)
                    : HttpResponseWriter.Write(destination, 200, HttpResponseWriter.PlainText, "ok"u8, keepAlive, request.IsHead);
            case HealthcheckPath.Readyz:
                return health.Status == HatchetWorkerStatus.Healthy
                    ? HttpResponseWriter.Write(destination, 200, HttpResponseWriter.PlainText, "ok"u8, keepAlive, request.IsHead)
                    : HttpResponseWriter.Write(destination, 503, HttpResponseWriter.PlainText, "not ready"u8, keepAlive, request.IsHead);
            default:
                var report = health.Evaluate();
                var status = report.Status == HatchetWorkerStatus.Healthy || options.HealthEndpointAlwaysOk ? 200 : 503;
                var body = options.HealthEndpointIncludesDetails ? this.Details(report.Status, report.Reason) : StatusBodies[(int)report.Status];
                return HttpResponseWriter.Write(destination, status, Json, body, keepAlive, request.IsHead);
        }
    }

    private static string StatusName(HatchetWorkerStatus status) => status.ToString().ToUpperInvariant();

    // The TypeScript SDK's fields, with the .NET version in place of Node's and the reason for the status.
    private byte[] Details(HatchetWorkerStatus status, string reason)
    {
        var description = health.Description;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", StatusName(status));
            json.WriteString("reason", reason);
            json.WriteString("name", description?.Name);
            if (description?.Slots is { } slots)
            {
                json.WriteNumber("slots", slots);
            }
            else
            {
                json.WriteNull("slots");
            }

            json.WriteStartArray("actions");
            foreach (var action in description?.Actions ?? [])
            {
                json.WriteStringValue(action);
            }

            json.WriteEndArray();
            json.WriteStartObject("labels");
            foreach (var (key, value) in description?.Labels ?? new Dictionary<string, string>())
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteString("dotnetVersion", Environment.Version.ToString());
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
