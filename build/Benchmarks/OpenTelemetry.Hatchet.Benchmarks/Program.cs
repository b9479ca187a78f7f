using BenchmarkDotNet.Running;
using OpenTelemetry.Hatchet.Benchmarks;

// build/bench.sh runs every benchmark: --filter '*'. Any BenchmarkDotNet argument works here.
BenchmarkSwitcher.FromAssembly(typeof(ShortInProcessConfig).Assembly).Run(args, new ShortInProcessConfig());
