using System.Globalization;
using AspNetCoreFloor;

// Usage: AspNetCoreFloor PORT. Serves until the process is stopped (build/bench.sh sends SIGTERM).
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
await using var app = FloorApp.Create(port);
await app.RunAsync().ConfigureAwait(false);
