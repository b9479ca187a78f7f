#!/usr/bin/env bash
# Measures the example worker built for the JIT against the same worker compiled with Native AOT, in one
# run: time from launch to the first 200 on /health, working set, and what is on disk. Writes (or replaces)
# the "JIT vs Native AOT" section at the end of build/BENCHMARKS.md. Not a test; nothing here runs in CI.
# Needs clang and zlib1g-dev (Debian) for the native publish, as .ci/run installs them.
# Settings (environment): AOT_LAUNCHES (launches per build, default 7), BENCH_OUTPUT (default build/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."

launches="${AOT_LAUNCHES:-7}"
output="${BENCH_OUTPUT:-build/BENCHMARKS.md}"
work=artifacts/native-aot
rid=linux-x64
marker='<!-- build/native-aot.sh -->'
rm -rf "$work"
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
load_start=$(cut -d' ' -f1 /proc/loadavg)

echo "== publishing the example: JIT (framework-dependent and self-contained) and Native AOT"
project=examples/WorkerService/WorkerService.csproj
dotnet publish "$project" -c Release -o "$work/jit" --artifacts-path "$work/a-jit" -nologo -v q >"$work/publish.log"
dotnet publish "$project" -c Release -r "$rid" --self-contained -o "$work/jit-sc" --artifacts-path "$work/a-sc" -nologo -v q >>"$work/publish.log"
dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -o "$work/native" --artifacts-path "$work/a-native" -nologo -v q >>"$work/publish.log"

# A builtin sleep (read on a FIFO that no one writes), so that polling does not fork a process each time.
mkfifo "$work/tick"
exec {tick}<>"$work/tick"

started=()
trap 'for p in "${started[@]}"; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

now_us() { echo "${EPOCHREALTIME/./}"; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# health PORT: 0 when /health answers 200; no fork, so polling every millisecond costs little.
health() {
  local fd status=""
  { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd" 2>/dev/null || true
  IFS=' ' read -r -t 2 -u "$fd" _ status _ || true
  exec {fd}>&-
  [ "$status" = 200 ]
}

# launch BUILD PORT: starts the build's worker with its healthcheck on PORT; sets $pid.
launch() {
  local run
  case "$1" in
    jit) run=(dotnet "$work/jit/WorkerService.dll") ;;
    native) run=("$work/native/WorkerService") ;;
  esac
  HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED=true HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT="$2" "${run[@]}" >>"$work/$1.log" 2>&1 &
  pid=$!
  started+=("$pid")
}

declare -A first rss_first rss_settled
port=27301
for build in jit native; do
  echo "== $build: $launches launches"
  for _ in $(seq "$launches"); do
    port=$((port + 1))
    launched=$(now_us)
    launch "$build" "$port"
    deadline=$((launched + 30000000))
    until health "$port"; do
      [ "$(now_us)" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null || { echo "$build did not answer; see $work/$build.log" >&2; exit 1; }
      read -r -t 0.001 -u "$tick" || true
    done
    first[$build]+=" $(( ($(now_us) - launched) / 1000 ))"
    rss_first[$build]+=" $(rss_mib "$pid")"
    # Settled: 5 s later, after one scrape, as a worker looks once Prometheus has found it.
    sleep 5
    exec {fd}<>"/dev/tcp/127.0.0.1/$port"
    printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd"
    cat <&"$fd" >/dev/null
    exec {fd}>&-
    sleep 1
    rss_settled[$build]+=" $(rss_mib "$pid")"
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  done
done

jit_first=$(echo "${first[jit]}" | median); native_first=$(echo "${first[native]}" | median)
jit_rss=$(echo "${rss_first[jit]}" | median); native_rss=$(echo "${rss_first[native]}" | median)
jit_settled=$(echo "${rss_settled[jit]}" | median); native_settled=$(echo "${rss_settled[native]}" | median)
jit_bytes=$(find "$work/jit" -type f ! -name '*.pdb' ! -name '*.xml' -printf '%s\n' | awk '{ s += $1 } END { print s }')
sc_bytes=$(find "$work/jit-sc" -type f ! -name '*.pdb' ! -name '*.xml' -printf '%s\n' | awk '{ s += $1 } END { print s }')
native_bytes=$(stat -c %s "$work/native/WorkerService")

load_end=$(cut -d' ' -f1 /proc/loadavg)
busy=""
if awk -v a="$load_start" -v b="$load_end" -v n="$(nproc)" 'BEGIN { exit !(a > n || b > n) }'; then
  busy="The load average ($load_start at the start, $load_end at the end) was above the number of cores: other work shared
the machine, and times to the first 200 are then largely scheduling: rerun on a quiet machine before leaning on
them. Working set and size are little affected."
fi

section=$(cat <<MD
$marker
## JIT vs Native AOT

\`AOT_LAUNCHES=$launches build/native-aot.sh\` on $(nproc) cores, $(date -u +%Y-%m-%d), .NET $(dotnet --version), load average $load_start at the start.
The example worker (\`examples/WorkerService\`, Release) published for the JIT and with
\`-p:PublishAot=true\` (on the command line; the project does not set it). Median of $launches launches each, with
the healthcheck on: time from launching the process to the first \`200\` on /health (polled every millisecond),
working set (VmRSS) at that moment, and 6 s later after one /metrics scrape. Files: what \`dotnet publish\`
wrote, without .pdb, .xml and the native build's .dbg symbols.

| | JIT | Native AOT | AOT ÷ JIT |
| --- | ---: | ---: | ---: |
| launch to first 200 on /health, ms | $jit_first | $native_first | $(ratio "$native_first" "$jit_first") |
| working set at the first 200, MiB | $jit_rss | $native_rss | $(ratio "$native_rss" "$jit_rss") |
| working set 6 s later, after one scrape, MiB | $jit_settled | $native_settled | $(ratio "$native_settled" "$jit_settled") |
| files, MiB (framework-dependent JIT: the shared runtime not counted) | $(mib "$jit_bytes") | $(mib "$native_bytes") | $(ratio "$native_bytes" "$jit_bytes") |
| files, MiB (self-contained JIT) | $(mib "$sc_bytes") | $(mib "$native_bytes") | $(ratio "$native_bytes" "$sc_bytes") |

Every launch: $(echo "${first[jit]}" | xargs) ms (JIT), $(echo "${first[native]}" | xargs) ms (Native AOT).
$busy
MD
)

# Replace this script's section (from its marker to the end), keeping everything before it.
if [ -f "$output" ]; then
  before=$(awk -v m="$marker" '$0 == m { exit } { print }' "$output") # $(...) drops the trailing blank lines
  printf '%s\n\n%s\n' "$before" "$section" >"$output"
else
  printf '%s\n' "$section" >"$output"
fi
echo "wrote the JIT vs Native AOT section of $output"
