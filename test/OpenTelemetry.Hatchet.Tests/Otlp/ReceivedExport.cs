using OpenTelemetry.Hatchet.Tests.Otlp.Proto;

namespace OpenTelemetry.Hatchet.Tests.Otlp;

/// <summary>One export request as the receiver decoded it, with how it arrived.</summary>
internal sealed record ReceivedExport(string Transport, string Path, string? ContentType, ExportMetricsServiceRequest Request)
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    public IEnumerable<Metric> Metrics
        => this.Request.ResourceMetrics.SelectMany(resource => resource.ScopeMetrics).SelectMany(scope => scope.Metrics);

    /// <summary>Gets the <c>service.name</c> of the first resource, or <see langword="null"/>.</summary>
    public string? ServiceName
        => this.Request.ResourceMetrics.SelectMany(resource => resource.Resource?.Attributes ?? [])
            .FirstOrDefault(attribute => attribute.Key == "service.name")?.Value?.StringValue;

    /// <summary>Gets the value of a gauge's first data point, or <see langword="null"/> if the gauge is not in this export.</summary>
    public double? GaugeValue(string name)
        => this.Metrics.FirstOrDefault(metric => metric.Name == name && metric.DataCase == Metric.DataOneofCase.Gauge)?.Gauge.DataPoints
            .Select(point => point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble)
            .Cast<double?>()
            .FirstOrDefault();

    public override string ToString()
        => $"{this.Transport} {this.Path} service.name={this.ServiceName} metrics=[{string.Join(", ", this.Metrics.Select(metric => metric.Name))}]";
}
