#!/usr/bin/env bash
# Measures how the healthcheck port answers while the .NET thread pool is starved, before and after the
# dedicated-thread socket server, and writes build/STARVATION.md with both summaries side by side.
#
# The same program (build/StarvationProbe, public API only) is built twice: against the old design's
# source, taken from git at BEFORE_REV (the port served by two HttpListeners), and against this tree.
# Each run starts a worker host, probes /health, /livez and /metrics every 100 ms from dedicated threads,
# queues 200 thread-pool work items that block for 30 s, and keeps probing until /health is 200 again.
# About 4 minutes on 2 cores. Options: --before-tree DIR (an existing checkout of the old design instead
# of extracting BEFORE_REV), --skip-threshold-1s (leave out the third run, threshold 1 s).
set -euo pipefail
cd "$(dirname "$0")/.."

before_rev="${BEFORE_REV:-088afbf}"
before_tree=""
with_1s=1
while [ $# -gt 0 ]; do
  case "$1" in
    --before-tree) before_tree="$(cd "$2" && pwd)"; shift 2 ;;
    --skip-threshold-1s) with_1s=0; shift ;;
    *) echo "usage: build/starvation.sh [--before-tree DIR] [--skip-threshold-1s]" >&2; exit 2 ;;
  esac
done

out=artifacts/starvation
rm -rf "$out"
mkdir -p "$out"
if [ -z "$before_tree" ]; then
  before_commit="$(git rev-parse --short "$before_rev")"
  before_tree="$PWD/$out/before-tree"
  mkdir -p "$before_tree"
  git archive "$before_rev" | tar -x -C "$before_tree"
else
  before_commit="$(git -C "$before_tree" rev-parse --short HEAD)"
fi
before_label="before ($before_commit)"
after_label="after ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted src changes'))"

echo "building against $before_tree and against this tree (Release)"
probe=build/StarvationProbe
dotnet build "$probe" -c Release -nologo -v q -o "$out/bin-before" \
  -p:HatchetPackageProject="$before_tree/src/OpenTelemetry.Hatchet/OpenTelemetry.Hatchet.csproj" >"$out/build-before.log" 2>&1 \
  || { cat "$out/build-before.log"; exit 1; }
dotnet build "$probe" -c Release -nologo -v q -o "$out/bin-after" >"$out/build-after.log" 2>&1 \
  || { cat "$out/build-after.log"; exit 1; }

# The two builds share the probe's obj folder: make sure each really holds its own design.
grep -q HealthcheckSocketServer "$out/bin-after/OpenTelemetry.Hatchet.dll" || { echo "after build lacks the socket server" >&2; exit 1; }
if grep -q HealthcheckSocketServer "$out/bin-before/OpenTelemetry.Hatchet.dll"; then echo "before build has the socket server" >&2; exit 1; fi

run() { # run NAME LABEL [ARGS...]: one measurement; the worker's log goes to $out/NAME.log
  local name="$1" label="$2"
  shift 2
  echo "measuring: $label"
  dotnet "$out/bin-${name%%-*}/StarvationProbe.dll" run --label "$label" --out "$out/$name.tsv" "$@" 2>"$out/$name.log" >"$out/$name.txt"
}
run before "$before_label"
run after "$after_label"
runs=("$out/before.tsv" "$out/after.tsv")
if [ "$with_1s" -eq 1 ]; then
  run after-1s "$after_label, threshold 1 s" --threshold-seconds 1
  runs+=("$out/after-1s.tsv")
fi

report=build/STARVATION.md
{
  echo "# The healthcheck port under thread-pool starvation"
  echo
  echo "Written by \`build/starvation.sh\`; rerun it to measure again (the worker logs of each run are left in"
  echo "\`$out/\`)."
  echo
  echo "- command: \`build/starvation.sh$([ "$with_1s" -eq 1 ] || echo ' --skip-threshold-1s')\`"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
  echo "- .NET SDK $(dotnet --version), runtime $(dotnet --list-runtimes | grep -m1 'Microsoft.NETCore.App' | cut -d' ' -f2)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- before: the port served by two \`HttpListener\`s (\`/health\` ours, \`/metrics\` the exporter's), commit $before_commit"
  echo "- after: the port served by a dedicated-thread socket loop; \`/metrics\` forwarded to the exporter on a private port"
  echo
  echo "## Method"
  echo
  echo "\`build/StarvationProbe\` uses only the package's public API: a Generic Host with"
  echo "\`services.AddOpenTelemetry().WithHatchetWorkerMetrics(...)\`, the healthcheck on a free loopback port."
  echo "Once \`/health\` answers 200 it probes \`/health\`, \`/livez\` (only where it exists: the old design answers"
  echo "404) and \`/metrics\` every 100 ms, each path from its own dedicated thread with plain blocking sockets"
  echo "(HTTP/1.1, \`Connection: close\`), one probe at a time per path; a probe waits 2 s for the whole answer,"
  echo "6 s for \`/metrics\` so that the new design's 504 after 5 s can be seen. After a 3 s baseline it queues,"
  echo "from one thread, 200 work items that block until they are all released 30 s later, and it probes on"
  echo "until \`/health\` is 200 again (then 3 s more) or 30 s have passed. Phases: baseline (answered before"
  echo "the first work item was queued), saturated (sent before the release), after release. Medians and worst"
  echo "latencies are of the probes that were answered; timeouts are counted apart. \"start →\" times are from"
  echo "the first work item queued to the answer (for \"left unanswered\", to when that probe was sent: negative"
  echo "if it was already in flight); \"release →\" from the release to the answer. The lag threshold"
  echo "(\`HATCHET_CLIENT_WORKER_HEALTHCHECK_EVENT_LOOP_BLOCK_THRESHOLD_SECONDS\`) exists only in the new design."
  echo
  echo "The probes' sockets are never switched to non-blocking mode, not even to connect with a timeout (Linux"
  echo "bounds a blocking connect by the send timeout): on a socket that has been non-blocking, .NET emulates"
  echo "blocking calls with its socket engine, whose waits complete through the thread pool. A first version"
  echo "of the probe did that, and its probes of the new design timed out during the saturation while \`curl\`"
  echo "from another process was answered at once."
  echo
  echo "## Results"
  echo
  dotnet "$out/bin-after/StarvationProbe.dll" compare "${runs[@]}"
} >"$report"
echo "wrote $report"
