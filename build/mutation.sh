#!/usr/bin/env bash
# Mutation testing with Stryker.NET (the local tool in .config/dotnet-tools.json) on xunit v3 through
# Microsoft.Testing.Platform (Stryker's `mtp` test runner).
#
#   build/mutation.sh PATH...        PATH: a file or folder under src/OpenTelemetry.Hatchet/, e.g.
#                                    Status/ HatchetWorkerHealth.cs Configuration/ Otlp/ Http/HttpRequestHead.cs,
#                                    or a file with Stryker's spans of characters: 'Port/HealthcheckSocketServer.cs{9120..10200}'
#
# Environment:
#   MUTATION_TESTS        the tests run against each mutant, in Stryker's --test-case-filter syntax
#                         (default: every test but the slow ones that start processes, Prometheus or
#                         thousands of connections; see build/MUTATION.md)
#   MUTATION_CONCURRENCY  parallel test sessions (default 1: the machine is shared)
#   MUTATION_OUTPUT       where reports go (default artifacts/mutation/<time>)
#
# Runs at nice 19. Prints a character per mutant as it is tested (. killed, S survived, T timeout), then Stryker's per-file table; the JSON and HTML reports are in the output folder.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -eq 0 ]; then
  sed -n '2,16p' "$0"
  exit 2
fi

src=src/OpenTelemetry.Hatchet
mutate=()
for path in "$@"; do
  path="${path#"$src"/}"
  if [ -d "$src/$path" ]; then
    mutate+=(--mutate "**/$src/${path%/}/**/*.cs")
  elif [ -f "$src/${path%%\{*}" ]; then
    mutate+=(--mutate "**/$src/$path")
  else
    echo "No such file or folder under $src: $path" >&2
    exit 2
  fi
done

# Tests that need Prometheus, the example process, a starved pool or a thousand sockets take seconds each.
# Stryker captures per-test coverage first and runs each mutant against the selected tests that reach it;
# a test that starts a host reaches most of the package, so one slow test would slow nearly every mutant.
default_tests='FullyQualifiedName!~.Prometheus.&FullyQualifiedName!~.Leaks.&FullyQualifiedName!~.Hostile.&FullyQualifiedName!~.Faults.&FullyQualifiedName!~ExampleWorker&FullyQualifiedName!~ThreadPoolStarvationTests&FullyQualifiedName!~PackageTests'
tests="${MUTATION_TESTS:-$default_tests}"
output="${MUTATION_OUTPUT:-$PWD/artifacts/mutation/$(date -u +%Y%m%dT%H%M%SZ)}"

dotnet tool restore >/dev/null
cd test/OpenTelemetry.Hatchet.Tests
start=$(date +%s)
nice -n 19 dotnet stryker \
  --test-runner mtp \
  --project OpenTelemetry.Hatchet.csproj \
  --concurrency "${MUTATION_CONCURRENCY:-1}" \
  --test-case-filter "$tests" \
  --reporter dots --reporter cleartext --reporter json --reporter html \
  --output "$output" \
  "${mutate[@]}"
echo "Mutation run took $(($(date +%s) - start)) s; reports in $output/reports"
