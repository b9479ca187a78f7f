using System.Globalization;
using Prometheus;
using PrometheusNetPeer;

// Usage: PrometheusNetPeer PORT. Serves until the process is stopped (build/bench.sh sends SIGTERM).
// The default registry, with prometheus-net's default metrics, is what a user of MetricServer gets.
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
using var server = PrometheusNetServer.Start(port, Metrics.DefaultRegistry);
Console.WriteLine($"prometheus-net peer listening on port {port}");
await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
