using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OpenTelemetry.Hatchet.Tests.Tracing;

/// <summary>
/// An OTLP/gRPC trace receiver on loopback, standing in for a collector: it decodes each export with the official
/// schema (see Otlp/README.md) and keeps its spans and the headers they came with.
/// </summary>
internal sealed class TraceReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(Span Span, string ScopeName, string? Authorization)> spans = new();
    private WebApplication? app;

    private TraceReceiver(int port) => this.Endpoint = new Uri($"http://127.0.0.1:{port}");

    public Uri Endpoint { get; }

    public static async Task<TraceReceiver> StartAsync()
    {
        var receiver = new TraceReceiver(FreeTcpPort.Next());
        receiver.app = await LoopbackGrpcServer.StartAsync(receiver.Endpoint.Port, receiver, app => app.MapGrpcService<TraceServiceEndpoint>());
        return receiver;
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
