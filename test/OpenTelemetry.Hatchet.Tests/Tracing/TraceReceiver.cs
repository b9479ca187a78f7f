using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// An OTLP/gRPC trace receiver on loopback, standing in for a collector: it decodes each export with the official
/// schema (see Otlp/README.md) and keeps its spans and the headers they came with. Standing in for the engine, it can
/// serve TLS (and require a client certificate), or have no collector at all, as an engine without one.
/// </summary>
internal sealed class TraceReceiver : IAsyncDisposable
{
    private const string ExportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private readonly ConcurrentQueue<(Span Span, string ScopeName, string? Authorization)> spans = new();
    private int exports;
    private WebApplication? app;

    private TraceReceiver(int port) => this.Endpoint = new Uri($"http://127.0.0.1:{port}");

    public Uri Endpoint { get; }

    /// <summary>Gets the engine's address as <c>HATCHET_CLIENT_HOST_PORT</c> names it.</summary>
    public string HostPort => $"127.0.0.1:{this.Endpoint.Port}";

    /// <summary>Gets how many export calls reached the receiver, answered or refused.</summary>
    public int Exports => Volatile.Read(ref this.exports);

    /// <summary>Gets the span count of each export it took, in order.</summary>
    public ConcurrentQueue<int> ExportSizes { get; } = new();

    /// <summary>Gets the subject of the client certificate of each TLS connection that presented one.</summary>
    public ConcurrentQueue<string> ClientCertificates { get; } = new();

    public static Task<TraceReceiver> StartAsync() => StartAsync(tls: null);

    /// <summary>Starts a receiver; over TLS with <paramref name="tls"/>'s server certificate when given.</summary>
    /// <param name="tls">The certificates; null for cleartext HTTP/2.</param>
    /// <param name="requireClientCertificate">Whether a TLS client must present a certificate <paramref name="tls"/> issued (mTLS).</param>
    /// <param name="collector">False for an engine without its OTLP collector, which answers every export <c>UNIMPLEMENTED</c>.</param>
    public static async Task<TraceReceiver> StartAsync(Example.TestCertificates? tls, bool requireClientCertificate = false, bool collector = true)
    {
        var receiver = new TraceReceiver(FreeTcpPort.Next());
        receiver.app = await LoopbackGrpcServer.StartAsync(
            receiver.Endpoint.Port,
            receiver,
            app =>
            {
                app.Use(async (context, next) =>
                {
                    if (context.Request.Path == ExportPath)
                    {
                        Interlocked.Increment(ref receiver.exports);
                        if (context.Connection.ClientCertificate is { } certificate)
                        {
                            receiver.ClientCertificates.Enqueue(certificate.Subject);
                        }

                        if (!collector)
                        {
                            // As the engine without its collector: it registers TraceService only when it has one
                            // (internal/services/grpc/server.go lines 375-378 at upstream 89d130f), and grpc-go answers a
                            // service it does not know UNIMPLEMENTED, "unknown service ...", in the response headers
                            // alone (grpc-go server.go handleStream, WriteStatus before any header: trailers-only).
                            context.Response.ContentType = "application/grpc";
                            context.Response.Headers["grpc-status"] = "12";
                            context.Response.Headers["grpc-message"] = "unknown service opentelemetry.proto.collector.trace.v1.TraceService";
                            return;
                        }
                    }

                    await next(context);
                });
                app.MapGrpcService<TraceServiceEndpoint>();
            },
            listen: tls is null ? null : listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = tls.Server,
                ClientCertificateMode = requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
                ClientCertificateValidation = (certificate, _, _) => tls.Issued(certificate),
            }));
        return receiver;
    }

    /// <summary>Waits for a span named <paramref name="name"/>.</summary>
    public async Task<(Span Span, string ScopeName, string? Authorization)> SpanNamedAsync(string name)
    {
        (Span, string, string?) found = default;
        await Eventually.Until(
            () =>
            {
                found = this.spans.FirstOrDefault(received => received.Span.Name == name);
                return found.Item1 is not null;
            },
            $"the span {name} to be received; {this.spans.Count} received");
        return found;
    }

    /// <summary>Waits for a span named <paramref name="name"/> with the attribute <c>hatchet.step_run_id</c> = <paramref name="taskRunId"/>.</summary>
    public async Task<(Span Span, string ScopeName, string? Authorization)> SpanAsync(string name, string taskRunId)
    {
        (Span, string, string?) found = default;
        await Eventually.Until(
            () =>
            {
                found = this.spans.FirstOrDefault(received => received.Span.Name == name
                    && received.Span.Attributes.Any(attribute => attribute.Key == "hatchet.step_run_id" && attribute.Value.StringValue == taskRunId));
                return found.Item1 is not null;
            },
            $"the span {name} of {taskRunId} to be received; {this.spans.Count} received");
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        if (this.app is { } running)
        {
            await running.DisposeAsync();
        }
    }

    private sealed class TraceServiceEndpoint(TraceReceiver receiver) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            var authorization = context.RequestHeaders.GetValue("authorization");
            receiver.ExportSizes.Enqueue(request.ResourceSpans.Sum(resource => resource.ScopeSpans.Sum(scope => scope.Spans.Count)));
            foreach (var resource in request.ResourceSpans)
            {
                foreach (var scope in resource.ScopeSpans)
                {
                    foreach (var span in scope.Spans)
                    {
                        receiver.spans.Enqueue((span, scope.Scope.Name, authorization));
                    }
                }
            }

            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }
}
