using Grpc.Core;
using OpenTelemetry.Hatchet.Tests.Otlp.Proto;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>The OTLP/gRPC MetricsService: records each export and accepts it whole.</summary>
internal sealed class MetricsServiceEndpoint(OtlpReceiver receiver) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        receiver.Record(new ReceivedExport(ReceivedExport.Grpc, context.Method, context.GetHttpContext().Request.ContentType, request));
        return Task.FromResult(new ExportMetricsServiceResponse());
    }
}
