using System.Net;
using System.Net.Http.Headers;

namespace OpenTelemetry.Hatchet.Tracing;

/// <summary>
/// Stops sending spans to an engine that answered <c>UNIMPLEMENTED</c>, and tries again after a while, as the Python
/// SDK's <c>_HatchetSpanExporter</c> does (<c>sdks/python/hatchet_sdk/opentelemetry/instrumentor.py</c> lines 79-121
/// at upstream 89d130f; the TypeScript SDK's <c>HatchetExporterWrapper</c> alike): an engine without its OTLP collector
/// (it registers <c>TraceService</c> only when it has one, <c>internal/services/grpc/server.go</c> lines 375-378, and
/// grpc-go answers any other service <c>UNIMPLEMENTED</c>) is not asked for every batch, and an engine that gains one
/// is found again without a restart.
/// </summary>
/// <remarks>
/// It sits under the OTLP exporter, on its HTTP calls, where the gRPC status can be read: the exporter keeps the
/// provider's resource and its own retries. Like Python's wrapper, which returns <c>SUCCESS</c>, the refused batch and
/// those the pause holds back count as sent, silently: the answer the exporter sees is an empty gRPC <c>OK</c>.
/// grpc-go refuses an unknown service before reading the request, in the response headers alone (trailers-only),
/// which is where it is read here.
/// </remarks>
internal sealed class EngineCollectorBackoff(TimeSpan pause) : DelegatingHandler
{
    private const string Unimplemented = "12";

    private long pausedUntil;

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        => this.Paused() ? Sent(request) : this.Answered(request, base.Send(request, cancellationToken));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => this.Paused() ? Sent(request) : this.Answered(request, await base.SendAsync(request, cancellationToken).ConfigureAwait(false));

    private static HttpResponseMessage Sent(HttpRequestMessage request)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, RequestMessage = request, Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        response.Headers.TryAddWithoutValidation("grpc-status", "0");
        return response;
    }

    private bool Paused() => Environment.TickCount64 < Volatile.Read(ref this.pausedUntil);

    private HttpResponseMessage Answered(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues("grpc-status", out var status) || status.ToString() != Unimplemented)
        {
            return response;
        }

        Volatile.Write(ref this.pausedUntil, Environment.TickCount64 + (long)pause.TotalMilliseconds);
        response.Dispose();
        return Sent(request);
    }
}
