using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Hatchet.Tests.Infrastructure;
using OpenTelemetry.Hatchet.Tests.Otlp.Proto;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>
/// An OTLP metrics receiver on loopback, standing in for a collector: OTLP/gRPC on one port and
/// OTLP/HTTP (<c>POST /v1/metrics</c>, protobuf) on another. It decodes what arrives and keeps it.
/// </summary>
/// <remarks>
/// Kestrel speaks HTTP/2 without TLS only to clients that start with it ("prior knowledge"), as gRPC
/// clients do, and only on an endpoint that allows HTTP/2 alone: with HTTP/1 and HTTP/2 both allowed and
/// no TLS to negotiate, it speaks HTTP/1.1. Hence two ports.
/// </remarks>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedExport> exports = new();
    private WebApplication? app;

    private OtlpReceiver(int grpcPort, int httpPort)
    {
        this.GrpcEndpoint = new Uri($"http://127.0.0.1:{grpcPort}");
        this.HttpEndpoint = new Uri($"http://127.0.0.1:{httpPort}");
    }

    /// <summary>Gets the OTLP/gRPC endpoint.</summary>
    public Uri GrpcEndpoint { get; }

    /// <summary>Gets the OTLP/HTTP base URL, without the <c>/v1/metrics</c> path.</summary>
    public Uri HttpEndpoint { get; }

    /// <summary>Gets the full OTLP/HTTP metrics URL.</summary>
    public Uri HttpMetricsEndpoint => new(this.HttpEndpoint, "/v1/metrics");

    public IReadOnlyCollection<ReceivedExport> Exports => this.exports;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver(FreeTcpPort.Next(), FreeTcpPort.Next());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, receiver.GrpcEndpoint.Port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, receiver.HttpEndpoint.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(receiver);

        var app = builder.Build();
        app.MapGrpcService<MetricsServiceEndpoint>();
        app.MapPost("/v1/metrics", receiver.ReceiveHttpAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver.app = app;
        return receiver;
    }

    /// <summary>Waits for an export that satisfies <paramref name="condition"/> and returns it.</summary>
    public async Task<ReceivedExport> WaitForAsync(Func<ReceivedExport, bool> condition, string what)
    {
        ReceivedExport? found = null;
        await Eventually.Until(
            () => (found = this.exports.FirstOrDefault(condition)) is not null,
            $"{what}; received {this.exports.Count} exports, the last: {this.exports.LastOrDefault()}");
        return found!;
    }

    public void Record(ReceivedExport export) => this.exports.Enqueue(export);

    public async ValueTask DisposeAsync()
    {
        if (this.app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await this.app.StopAsync(timeout.Token);
            await this.app.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveHttpAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        this.Record(new ReceivedExport(ReceivedExport.HttpProtobuf, request.Path, request.ContentType, ExportMetricsServiceRequest.Parser.ParseFrom(body.ToArray())));
        return Results.Bytes(new ExportMetricsServiceResponse().ToByteArray(), "application/x-protobuf");
    }
}
