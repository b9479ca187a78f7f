namespace OpenTelemetry.Hatchet.Tests.Prometheus;

/// <summary>The metric-name reader that checks the operator kit's queries, on the kinds of expression the kit uses.</summary>
public sealed class PromQlMetricNamesTests
{
    [Theory]
    [InlineData("""(hatchet_worker_status{instance="localhost:8001", job="hatchet"}) or vector(0)""", "hatchet_worker_status")]
    [InlineData("""up{job="hatchet"} == 0""", "up")]
    [InlineData("""hatchet_worker_event_loop_lag_seconds{job="hatchet"} > 1""", "hatchet_worker_event_loop_lag_seconds")]
    [InlineData("""sum by (instance, gc_heap_generation) (rate(dotnet_gc_collections_total{job="$job", instance=~"$instance"}[$__rate_interval]))""", "dotnet_gc_collections_total")]
    [InlineData("""label_values(hatchet_worker_status{job="$job"}, instance)""", "hatchet_worker_status")]
    [InlineData("""a_metric / on (instance) group_left b_metric offset 5m""", "a_metric b_metric")]
    [InlineData("""max without (job) (x_total)""", "x_total")]
    public void Reads_the_metric_names_of_an_expression(string expression, string names)
        => PromQlMetricNames.In(expression).Should().BeEquivalentTo(names.Split(' '));
}
