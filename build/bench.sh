#!/usr/bin/env bash
# Measures what the healthcheck costs and how fast it answers, side by side with peers in one run, and
# writes build/BENCHMARKS.md. Not a test: no figure fails anything, and nothing here runs in CI.
#
#   1. HTTP: /health and /metrics of the example worker, of prometheus-net's MetricServer
#      (build/Peers/PrometheusNetPeer) and of a minimal ASP.NET Core app (build/Peers/AspNetCoreFloor),
#      each alone on the machine, under wrk at 1 and 16 connections.
#   2. In process: BenchmarkDotNet (build/Benchmarks) for the status read, the gauge callbacks, one
#      scrape and one probe, with allocations, against peers in the same run.
#   3. What the healthcheck costs a worker: startup, working set, threads and idle CPU of the example
#      worker with HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED=false and =true.
#
# It talks to the worker only over HTTP on its port, so it measures whatever serves that port.
# Settings (environment): BENCH_DURATION (each wrk run, default 10s), BENCH_IDLE_SECONDS (idle CPU
# window, default 60), BENCH_STARTUPS (launches per mode, default 5), BENCH_FILTER (BenchmarkDotNet's --filter,
# default '*'), BENCH_OUTPUT (default build/BENCHMARKS.md). A quick look: BENCH_DURATION=3s BENCH_IDLE_SECONDS=10.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${BENCH_DURATION:-10s}"
idle_seconds="${BENCH_IDLE_SECONDS:-60}"
startups="${BENCH_STARTUPS:-5}"
filter="${BENCH_FILTER:-*}"
output="${BENCH_OUTPUT:-build/BENCHMARKS.md}"
work=artifacts/bench
command="build/bench.sh"
for setting in BENCH_OUTPUT BENCH_FILTER BENCH_STARTUPS BENCH_IDLE_SECONDS BENCH_DURATION; do
  [ -n "${!setting:-}" ] && command="$setting=${!setting} $command"
done

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else
    echo "bench.sh needs wrk (Debian: apt-get install wrk)." >&2
    exit 1
  fi
fi
command -v curl >/dev/null || { echo "bench.sh needs curl." >&2; exit 1; }

load_start=$(cut -d' ' -f1 /proc/loadavg) # other work on the machine shows here
rm -rf "$work"
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== building (Release)"
dotnet build examples/WorkerService -c Release -nologo -v q >"$work/build.log"
dotnet build build/Benchmarks/OpenTelemetry.Hatchet.Benchmarks -c Release -nologo -v q >>"$work/build.log"
worker_dir=examples/WorkerService/bin/Release/net10.0
peer_dll=build/Peers/PrometheusNetPeer/bin/Release/net10.0/PrometheusNetPeer.dll
floor_dll=build/Peers/AspNetCoreFloor/bin/Release/net10.0/AspNetCoreFloor.dll
benchmarks_dll=build/Benchmarks/OpenTelemetry.Hatchet.Benchmarks/bin/Release/net10.0/OpenTelemetry.Hatchet.Benchmarks.dll

# ---- processes: every server this script starts is stopped by its PID, also on Ctrl-C or an error.
started=()
stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
trap 'for pid in "${started[@]}"; do stop_server "$pid"; done' EXIT

# A builtin sleep (read on a FIFO that no one writes), so that polling does not fork a process each time.
mkfifo "$work/tick"
exec {tick}<>"$work/tick"
pause() { read -r -t "$1" -u "$tick" || true; }
now_us() { echo "${EPOCHREALTIME/./}"; }

free_port() { # a port from 20000-31999 that nothing answers on, below Linux's ephemeral range
  local port
  for _ in $(seq 500); do
    port=$((20000 + RANDOM % 12000))
    if ! { exec {probe}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      echo "$port"
      return
    fi
    exec {probe}>&-
  done
  echo "no free port" >&2
  exit 1
}

# http_status PORT PATH: sets $status to the HTTP status of a GET, or to "" if nothing answers. No fork.
http_status() {
  status=""
  local fd
  { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&"$fd" 2>/dev/null || true
  IFS=' ' read -r -t 2 -u "$fd" _ status _ || true
  exec {fd}>&-
}

# start_worker NAME ENABLED PORT: starts the example worker in the background, sets $pid. Its output goes to
# $work/NAME.log, and the moment it logs "Application started" to $work/NAME.started (microseconds).
start_worker() {
  local name="$1" log="$work/$1.log" stamp="$work/$1.started"
  rm -f "$stamp"
  (
    cd "$worker_dir"
    HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED="$2" HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT="$3" \
      exec dotnet WorkerService.dll
  ) > >(while IFS= read -r line; do
          [[ $line == *"Application started"* ]] && now_us >"$stamp"
          printf '%s\n' "$line"
        done >"$log") 2>&1 &
  pid=$!
  started+=("$pid")
}

# wait_for PID CONDITION...: polls CONDITION every 5 ms for 60 s; fails if the process ends first.
wait_for() {
  local pid="$1" deadline=$(( $(now_us) + 60000000 ))
  shift
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(now_us)" -lt "$deadline" ] || { echo "timed out waiting for: $*" >&2; return 1; }
    pause 0.005
  done
}
answers() { http_status "$1" "$2"; [ "$status" = 200 ]; }
has_started() { [ -s "$work/$1.started" ]; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; } # utime + stime, after the (comm) field

# ---------------------------------------------------------------- 1. HTTP under wrk
# wrk_run URL CONNECTIONS: prints "requests/s p50_ms p99_ms non-2xx socket-errors".
# Further arguments go to wrk (e.g. -H 'Connection: close' for a new connection per request).
wrk_run() {
  local threads=$(( $2 < 2 ? $2 : 2 ))
  wrk -t"$threads" -c"$2" -d"$duration" --latency "${@:3}" "$1" >"$work/wrk.out" 2>&1
  cat "$work/wrk.out" >>"$work/wrk.log"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx/ { bad = $NF } /Socket errors/ { gsub(",", ""); errors = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %d %d\n", rps, p50, p99, bad, errors }' "$work/wrk.out"
}

# fresh_ms URL: median time of 9 requests each on a new connection, as a Kubernetes probe makes them.
fresh_ms() {
  for _ in 1 2 3 4 5 6 7 8 9; do curl -s -o /dev/null -w '%{time_total} ' "$1"; done | median | awk '{ printf "%.2f", $1 * 1000 }'
}

declare -A http bytes fresh served_by rss_after front
exporter_port=
servers=(hatchet prometheus-net floor)
declare -A title=([hatchet]="Hatchet worker" [prometheus-net]="prometheus-net peer" [floor]="ASP.NET Core floor")
for server in "${servers[@]}"; do
  echo "== HTTP: $server"
  for attempt in 1 2 3; do
    port=$(free_port)
    case "$server" in
      hatchet) start_worker http-hatchet true "$port" ;;
      prometheus-net) dotnet "$peer_dll" "$port" >"$work/http-$server.log" 2>&1 & pid=$! && started+=("$pid") ;;
      floor) dotnet "$floor_dll" "$port" >"$work/http-$server.log" 2>&1 & pid=$! && started+=("$pid") ;;
    esac
    wait_for "$pid" answers "$port" /health && break
    stop_server "$pid"
    [ "$attempt" -lt 3 ] || { echo "$server did not answer on /health; see $work" >&2; exit 1; }
  done
  base="http://127.0.0.1:$port"
  served_by[$server]=$(curl -s -D - -o /dev/null "$base/health" | tr -d '\r' | awk -F': ' 'tolower($1) == "server" { print $2 }')
  for path in /health /metrics; do
    wrk -t1 -c4 -d2s "$base$path" >/dev/null # warm-up: let the JIT compile the hot paths first
    bytes[$server$path]=$(curl -s "$base$path" | wc -c)
    fresh[$server$path]=$(fresh_ms "$base$path")
    for connections in 1 16; do
      http[$server$path$connections]=$(wrk_run "$base$path" "$connections")
    done
  done
  # One client at a time, as a Kubernetes probe makes them: a new connection for every request.
  http[${server}/health-new]=$(wrk_run "$base/health" 1 -H 'Connection: close')
  if [ "$server" = hatchet ]; then
    # The exporter's own listener, on the worker's private loopback port, against the public port that
    # fronts it: same process, same meters, runs interleaved so that both see the same machine.
    exporter_port=$(ss -ltnpH 2>/dev/null | awk -v pid="pid=$pid," -v public=":$port" 'index($0, pid) && $4 ~ /^127\.0\.0\.1:/ && $4 !~ public"$" { sub(/.*:/, "", $4); print $4; exit }')
    if [ -n "$exporter_port" ]; then
      wrk -t2 -c16 -d2s "http://127.0.0.1:$exporter_port/metrics/" >/dev/null
      for round in 1 2 3; do
        for connections in 1 16; do
          front[public$connections$round]=$(wrk_run "$base/metrics" "$connections")
          front[exporter$connections$round]=$(wrk_run "http://127.0.0.1:$exporter_port/metrics/" "$connections")
        done
      done
    fi
  fi
  rss_after[$server]=$(rss_mib "$pid")
  stop_server "$pid"
done

# ---------------------------------------------------------------- 2. BenchmarkDotNet, in process
echo "== BenchmarkDotNet"
dotnet "$benchmarks_dll" --filter "$filter" --artifacts "$work/bdn" >"$work/bdn.log" 2>&1
bdn_report() { echo "$work/bdn/results/OpenTelemetry.Hatchet.Benchmarks.$1-report-github.md"; }
bdn_cell() { # bdn_cell CLASS ROW COLUMN: one figure of a BenchmarkDotNet table ("-" is BenchmarkDotNet's zero)
  [ -f "$(bdn_report "$1")" ] || { echo "not run"; return; }
  awk -F'|' -v row="$2" -v column="$3" '
    /^\|/ && !header { for (i = 2; i < NF; i++) { name = $i; gsub(/^ +| +$/, "", name); if (name == column) c = i }; header = 1; next }
    index($0, row) { v = $c; gsub(/^ +| +$/, "", v); print (v == "-" ? "0 B" : v); exit }' "$(bdn_report "$1")"
}
bdn_table() { # the table of one benchmark class, with BenchmarkDotNet's HTML escapes undone
  if [ -f "$(bdn_report "$1")" ]; then
    grep '^|' "$(bdn_report "$1")" | sed "s/&#39;//g; s/&gt;/>/g; s/&lt;/</g; s/&quot;/\"/g"
  else
    echo "(not run: BENCH_FILTER=$filter)"
  fi
}
scrape_sizes=$(grep -m1 '^scrape sizes:' "$work/bdn.log" | sed 's/^scrape sizes: //' || true)
hatchet_gauges=$(grep -m1 '^hatchet gauges:' "$work/bdn.log" | sed 's/^hatchet gauges: //' || true)
bdn_environment=$(awk '/^```/ { n++; next } n == 1' "$(ls "$work"/bdn/results/*-github.md | head -1)" | grep -v '^$')

# ---------------------------------------------------------------- 3. What turning it on costs a worker
echo "== startup ($startups launches each)"
startup_off=""
startup_on_started=""
startup_on_health=""
startup_crashes=0
for run in $(seq "$startups"); do
  for enabled in false true; do
    for attempt in 1 2 3; do
      port=$(free_port)
      launched=$(now_us)
      start_worker "startup-$enabled" "$enabled" "$port"
      if [ "$enabled" = true ]; then
        if wait_for "$pid" answers "$port" /health && first_200=$(now_us) && wait_for "$pid" has_started "startup-$enabled"; then
          startup_on_health+=" $(( (first_200 - launched) / 1000 ))"
          startup_on_started+=" $(( ($(cat "$work/startup-$enabled.started") - launched) / 1000 ))"
          stop_server "$pid"
          break
        fi
      elif wait_for "$pid" has_started "startup-$enabled"; then
        startup_off+=" $(( ($(cat "$work/startup-$enabled.started") - launched) / 1000 ))"
        stop_server "$pid"
        break
      fi
      # The worker ended while starting (the README's HttpListener start race, for one): counted, launched again.
      startup_crashes=$((startup_crashes + 1))
      cp "$work/startup-$enabled.log" "$work/startup-crash-$startup_crashes.log"
      stop_server "$pid"
    done
  done
done

echo "== idle for ${idle_seconds} s: off, on, on and probed, side by side"
declare -A idle_pid idle_port
for mode in off on probed; do
  idle_port[$mode]=$(free_port)
  start_worker "idle-$mode" "$([ "$mode" = off ] && echo false || echo true)" "${idle_port[$mode]}"
  idle_pid[$mode]=$pid
done
wait_for "${idle_pid[off]}" has_started idle-off
wait_for "${idle_pid[on]}" answers "${idle_port[on]}" /health
wait_for "${idle_pid[probed]}" answers "${idle_port[probed]}" /health
# One scrape before the window, so that it measures the steady cost of scrapes rather than the first one's JIT.
curl -s -o /dev/null "http://127.0.0.1:${idle_port[probed]}/metrics"
scrapes_done=1
pause 5 # past the start's own work (tiered JIT, first GCs) before the window opens
declare -A rss_start threads_start ticks_start rss_end threads_end ticks_end
for mode in off on probed; do
  rss_start[$mode]=$(rss_mib "${idle_pid[$mode]}")
  threads_start[$mode]=$(threads "${idle_pid[$mode]}")
  ticks_start[$mode]=$(cpu_ticks "${idle_pid[$mode]}")
done
# "probed": scraped every 5 s as in the seed's Prometheus config, and probed every 10 s as by a kubelet.
window_end=$(( $(now_us) + idle_seconds * 1000000 ))
for ((second = 0; $(now_us) < window_end; second++)); do
  if (( second % 5 == 0 )); then curl -s -o /dev/null "http://127.0.0.1:${idle_port[probed]}/metrics"; scrapes_done=$((scrapes_done + 1)); fi
  if (( second % 10 == 0 )); then http_status "${idle_port[probed]}" /health; fi
  remaining=$(( window_end - $(now_us) ))
  (( remaining > 0 )) && pause "$(awk -v r="$remaining" 'BEGIN { printf "%.3f", (r < 1000000 ? r : 1000000) / 1000000 }')"
done
for mode in off on probed; do
  rss_end[$mode]=$(rss_mib "${idle_pid[$mode]}")
  threads_end[$mode]=$(threads "${idle_pid[$mode]}")
  ticks_end[$mode]=$(cpu_ticks "${idle_pid[$mode]}")
done
stop_server "${idle_pid[off]}"
stop_server "${idle_pid[on]}"
clock_ticks=$(getconf CLK_TCK)

# .NET compiles a method again, optimised, after it has run 30 times: code that runs once per scrape is
# optimised only after dozens of scrapes. This measures the CPU of those scrapes and of the ones after.
warm_scrapes=80
steady_scrapes=40
echo "== scrape CPU: $warm_scrapes scrapes, then $steady_scrapes more"
scrape_cpu_ms() { # scrape_cpu_ms N: the probed worker's CPU over N scrapes, 0.35 s apart (past the exporter's 300 ms cache)
  local before
  before=$(cpu_ticks "${idle_pid[probed]}")
  for _ in $(seq "$1"); do
    curl -s -o /dev/null "http://127.0.0.1:${idle_port[probed]}/metrics"
    pause 0.35
  done
  echo $(( ($(cpu_ticks "${idle_pid[probed]}") - before) * 1000 / clock_ticks ))
}
warm_cpu_ms=$(scrape_cpu_ms "$warm_scrapes")
steady_cpu_ms=$(scrape_cpu_ms "$steady_scrapes")
stop_server "${idle_pid[probed]}"
declare -A cpu_ms
for mode in off on probed; do
  cpu_ms[$mode]=$(( (ticks_end[$mode] - ticks_start[$mode]) * 1000 / clock_ticks ))
done

# ---------------------------------------------------------------- BENCHMARKS.md
echo "== writing $output"
field() { echo "${http[$1]}" | awk -v f="$2" '{ print $f }'; } # 1 req/s, 2 p50, 3 p99, 4 non-2xx, 5 socket errors
# compare_rows CELL_FIELDS COMPARED_FIELD WHAT HIGHER_IS_BETTER: a row per path and connection count, with the
# servers' figures and Hatchet ÷ each peer of the compared one.
compare_rows() {
  local path connections server row cell f hatchet r
  for path in /health /metrics; do
    for connections in 1 16; do
      row="| $path | $connections"
      for server in "${servers[@]}"; do
        cell=""
        for f in $1; do cell+="${cell:+ / }$(field "$server$path$connections" "$f")"; done
        row+=" | $cell"
      done
      hatchet=$(field "hatchet$path$connections" "$2")
      for server in prometheus-net floor; do
        r=$(ratio "$hatchet" "$(field "$server$path$connections" "$2")")
        row+=" | $r"
        note_ahead "$path at $connections, $3" "$server" "$r" "$4"
      done
      echo "$row |"
    done
  done
}
failures() { # non-2xx answers and socket errors of one server's wrk runs
  local total=0 path connections
  for path in /health /metrics; do
    for connections in 1 16; do
      total=$(( total + $(field "$1$path$connections" 4) + $(field "$1$path$connections" 5) ))
    done
  done
  echo "$total"
}
declare -A ahead=([prometheus-net]="" [floor]="")
note_ahead() { # note_ahead WHAT PEER RATIO HIGHER_IS_BETTER: notes a peer ahead by more than 5 %
  if { [ "$4" = yes ] && awk -v r="$3" 'BEGIN { exit !(r < 0.95) }'; } || { [ "$4" = no ] && awk -v r="$3" 'BEGIN { exit !(r > 1.05) }'; }; then
    ahead[$2]+="${ahead[$2]:+; }$1 ($3)"
  fi
}
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src examples || echo ' plus uncommitted changes')"
aot_section=$(awk '$0 == "<!-- build/native-aot.sh -->" { keep = 1 } keep' "$output" 2>/dev/null || true)
{
  echo "# Benchmarks"
  echo
  echo "Produced by \`$command\` (about six minutes). Figures are from one run on the machine below: compare the"
  echo "rows of one run with each other, not with another machine's. Nothing here is a test and no figure fails anything."
  echo
  echo "| | |"
  echo "| --- | --- |"
  echo "| date (UTC) | $(date -u '+%Y-%m-%d %H:%M') |"
  echo "| code measured | \`$commit\` $(git log -1 --format=%s | sed 's/|/\\|/g') |"
  case "${served_by[hatchet]:-}" in
    Microsoft-NetCore*) front="the worker's port is served by .NET's HttpListener (\`Server: ${served_by[hatchet]}\`)" ;;
    "") front="the worker's port is not served by .NET's HttpListener (no \`Server\` header; HttpListener sends \`Microsoft-NetCore/2.0\`)" ;;
    *) front="the worker's /health answers with \`Server: ${served_by[hatchet]}\`" ;;
  esac
  echo "| front end | $front |"
  echo "| load average (1 min) at start / end of the run | $load_start / $(cut -d' ' -f1 /proc/loadavg) |"
  echo "| CPU | $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') |"
  echo "| kernel | $(uname -r) |"
  echo "| .NET | SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }') |"
  echo "| wrk | $(wrk -v 2>&1 | head -1 | awk '{ print $2 }') |"
  echo
  echo "## 1. /health and /metrics over HTTP"
  echo
  echo "Each server runs alone, on a free loopback port, after a 2 s warm-up per path; wrk runs $duration per row"
  echo "with keep-alive connections (2 threads; 1 thread at 1 connection) on the same 2 cores as the server."
  echo "Peers: **prometheus-net** is its stand-alone \`MetricServer\` (prometheus-net 8.2.1, default registry and"
  echo "default metrics) with the same \`hatchet_worker_status\` gauge, and a plain \`HttpListener\` on the same port"
  echo "for /health, which prometheus-net does not have; the **floor** is Kestrel with two \`MapGet\` endpoints"
  echo "returning fixed bytes. All three use workstation GC. Ratios are Hatchet ÷ peer: above 1 is Hatchet ahead"
  echo "for requests/s, behind for latency."
  echo
  echo "| path | connections | Hatchet req/s | prometheus-net req/s | floor req/s | ÷ prometheus-net | ÷ floor |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  compare_rows 1 1 req/s yes
  echo
  echo "| path | connections | Hatchet p50 / p99 ms | prometheus-net p50 / p99 ms | floor p50 / p99 ms | p99 ÷ prometheus-net | p99 ÷ floor |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  compare_rows "2 3" 3 p99 no
  echo
  echo "| | Hatchet | prometheus-net | floor |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| /health, one request on a new connection (curl, median of 9), ms | ${fresh[hatchet/health]} | ${fresh[prometheus-net/health]} | ${fresh[floor/health]} |"
  echo "| /metrics, one request on a new connection (curl, median of 9), ms | ${fresh[hatchet/metrics]} | ${fresh[prometheus-net/metrics]} | ${fresh[floor/metrics]} |"
  echo "| /metrics body, bytes | ${bytes[hatchet/metrics]} | ${bytes[prometheus-net/metrics]} | ${bytes[floor/metrics]} |"
  echo "| non-2xx answers + socket errors, all wrk runs | $(failures hatchet) | $(failures prometheus-net) | $(failures floor) |"
  echo "| working set after the runs, MiB | ${rss_after[hatchet]} | ${rss_after[prometheus-net]} | ${rss_after[floor]} |"
  echo
  echo "### One client at a time: /health"
  echo
  echo "One wrk connection kept alive (as Prometheus keeps its scrape connection), and one connection per request"
  echo "(wrk with \`Connection: close\`, as a Kubernetes probe connects for every probe). Ratios are Hatchet ÷ peer."
  echo
  echo "| /health, one client | Hatchet req/s, p50 / p99 ms | prometheus-net req/s, p50 / p99 ms | floor req/s, p50 / p99 ms | req/s ÷ prometheus-net | req/s ÷ floor |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for kind in 1 -new; do
    row="| $([ "$kind" = 1 ] && echo "kept alive" || echo "new connection per request")"
    for server in "${servers[@]}"; do
      row+=" | $(field "$server/health$kind" 1), $(field "$server/health$kind" 2) / $(field "$server/health$kind" 3)"
    done
    for server in prometheus-net floor; do
      row+=" | $(ratio "$(field "hatchet/health$kind" 1)" "$(field "$server/health$kind" 1)")"
    done
    echo "$row |"
  done
  echo
  echo "### /metrics: the public port against the exporter's own listener"
  echo
  if [ -n "$exporter_port" ]; then
    echo "The same worker process: its public port (the socket front) and the OpenTelemetry exporter's HttpListener on"
    echo "its private loopback port, asked directly; three interleaved rounds of $duration each, median of the rounds."
    echo "Since 8360044 the port keeps the exporter's answer for the exporter's cache window and asks the exporter with"
    echo "its cache off, so the exporter column here collects on every request: it is the cost of a collection, not the"
    echo "exporter as an application would run it alone (with its 300 ms cache); compare the /metrics rows with the"
    echo "floor's fixed bytes in section 1 for that."
    echo
    echo "| connections | public port req/s | exporter's listener req/s | public ÷ exporter | public p50 / p99 ms | exporter p50 / p99 ms |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
    for connections in 1 16; do
      pub=$(for round in 1 2 3; do echo "${front[public$connections$round]}" | awk '{ print $1 }'; done | median)
      exp=$(for round in 1 2 3; do echo "${front[exporter$connections$round]}" | awk '{ print $1 }'; done | median)
      pub_lat=$(for round in 1 2 3; do echo "${front[public$connections$round]}" | awk '{ print $2 }'; done | median)" / "$(for round in 1 2 3; do echo "${front[public$connections$round]}" | awk '{ print $3 }'; done | median)
      exp_lat=$(for round in 1 2 3; do echo "${front[exporter$connections$round]}" | awk '{ print $2 }'; done | median)" / "$(for round in 1 2 3; do echo "${front[exporter$connections$round]}" | awk '{ print $3 }'; done | median)
      echo "| $connections | $pub | $exp | $(ratio "$pub" "$exp") | $pub_lat | $exp_lat |"
    done
    echo
    echo "Rounds (req/s, p50 ms, p99 ms, non-2xx, socket errors):"
    echo
    for round in 1 2 3; do
      for connections in 1 16; do
        echo "- round $round, $connections connection(s): public ${front[public$connections$round]}; exporter ${front[exporter$connections$round]}"
      done
    done
  else
    echo "(not measured: the exporter's private port was not found with \`ss\`)"
  fi
  echo
  echo "## 2. In process: the status, the gauges, one scrape, one probe (BenchmarkDotNet)"
  echo
  echo "A short job in this process (\`ShortInProcessConfig\`: 3 warm-up and 7 measured iterations) with"
  echo "\`[MemoryDiagnoser]\`; the worker is a started host with \`WithHatchetWorkerMetrics()\`, reached through its"
  echo "public API and over loopback HTTP. Ratio and Alloc Ratio are each row ÷ the first (peer) row. HTTP rows count"
  echo "the client's allocations as well as the server's, the same client for every row."
  echo
  echo '```'
  echo "$bdn_environment"
  echo '```'
  echo
  echo "Reading the worker's status (what the gauge and /health do per scrape and probe):"
  echo
  bdn_table StatusReadBenchmarks
  echo
  echo "One collection of the gauges (\`MeterListener.RecordObservableInstruments\`; every Hatchet gauge: ${hatchet_gauges:-not listed}),"
  echo "against the plainest observable gauge .NET offers:"
  echo
  bdn_table GaugeObservationBenchmarks
  echo
  echo "One scrape of /metrics (${scrape_sizes:-sizes not measured}; the prometheus-net registry here has its"
  echo "\`DotNetStats\`, the worker the .NET runtime meter):"
  echo
  bdn_table ScrapeBenchmarks
  echo
  echo "One probe of /health:"
  echo
  bdn_table HealthRequestBenchmarks
  echo
  echo "What \`HatchetDispatcherInterceptor\` adds to a generated Hatchet client's calls (answered in memory, so only"
  echo "the client's own work is timed); Ratio is each row ÷ the same call or message without the interceptor, and"
  echo "Added ns the difference: what the interceptor costs per heartbeat, per call, per listen-stream message:"
  echo
  bdn_table DispatcherInterceptorBenchmarks
  echo
  echo "## 3. What turning the healthcheck on costs a worker"
  echo
  echo "The example worker (\`examples/WorkerService\`, Release) with \`HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED\`"
  echo "false and true. Startup: median of $startups launches each, from launching \`dotnet WorkerService.dll\` to the"
  echo "\"Application started\" log line, and to the first \`200\` from /health (polled every 5 ms)."
  echo "Idle: the three workers run side by side; after a 5 s settle, CPU is utime + stime from /proc/PID/stat over"
  echo "${idle_seconds} s, working set is VmRSS and threads is Threads from /proc/PID/status. \"Probed\" is scraped at"
  echo "/metrics every 5 s (the seed's Prometheus config) and probed at /health every 10 s (a kubelet's default),"
  echo "after one scrape before the window, so that the first scrape's compiling is not counted."
  echo
  echo "| | off | on, idle | on, probed | on ÷ off | probed ÷ off |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  s_off=$(echo "$startup_off" | median); s_on=$(echo "$startup_on_started" | median); s_health=$(echo "$startup_on_health" | median)
  echo "| startup to \"Application started\", ms | $s_off | $s_on | | $(ratio "$s_on" "$s_off") | |"
  echo "| startup to first 200 on /health, ms | | $s_health | | $(ratio "$s_health" "$s_off") | |"
  for row in "working set after start, MiB:rss_start" "working set after ${idle_seconds} s, MiB:rss_end" "threads after start:threads_start" "threads after ${idle_seconds} s:threads_end"; do
    label="${row%%:*}"; declare -n values="${row#*:}"
    echo "| $label | ${values[off]} | ${values[on]} | ${values[probed]} | $(ratio "${values[on]}" "${values[off]}") | $(ratio "${values[probed]}" "${values[off]}") |"
    unset -n values
  done
  echo "| CPU over ${idle_seconds} s, ms | ${cpu_ms[off]} | ${cpu_ms[on]} | ${cpu_ms[probed]} | $(ratio "${cpu_ms[on]}" "${cpu_ms[off]}") | $(ratio "${cpu_ms[probed]}" "${cpu_ms[off]}") |"
  first=$((scrapes_done + 1))
  echo
  echo "CPU of scrapes: the probed worker, scraped $warm_scrapes more times and then $steady_scrapes more, 0.35 s apart"
  echo "(each CPU figure includes the worker's idle CPU between scrapes):"
  echo
  echo "| scrapes | CPU, ms | per scrape, ms |"
  echo "| --- | ---: | ---: |"
  echo "| $first to $((first + warm_scrapes - 1)) (while .NET optimises the scrape path) | $warm_cpu_ms | $(ratio "$warm_cpu_ms" "$warm_scrapes") |"
  echo "| $((first + warm_scrapes)) to $((first + warm_scrapes + steady_scrapes - 1)) | $steady_cpu_ms | $(ratio "$steady_cpu_ms" "$steady_scrapes") |"
  echo
  echo "Launches during which the worker ended before answering (launched again, logs kept in $work): $startup_crashes."
  echo "CPU time is counted in ticks of $((1000 / clock_ticks)) ms."
  echo
  echo "## Reading"
  echo
  echo "- /health at 16 connections: Hatchet $(field hatchet/health16 1) req/s, $(ratio "$(field hatchet/health16 1)" "$(field prometheus-net/health16 1)")× the plain HttpListener of the prometheus-net peer and $(ratio "$(field hatchet/health16 1)" "$(field floor/health16 1)")× the ASP.NET Core floor; p99 $(field hatchet/health16 3) ms."
  echo "- /metrics at 16 connections: Hatchet $(field hatchet/metrics16 1) req/s, $(ratio "$(field hatchet/metrics16 1)" "$(field prometheus-net/metrics16 1)")× prometheus-net's MetricServer."
  echo "  The port keeps the exporter's answer for its 300 ms cache window, so under wrk most Hatchet scrapes are served"
  echo "  from that cache, while MetricServer collects for every request; a Prometheus server scraping every few seconds"
  echo "  never hits the cache. Section 2's \"response cache off\" row is the cost of each real scrape."
  if awk -v p="$(field prometheus-net/metrics1 2)" 'BEGIN { exit !(p > 30) }'; then
    echo "- prometheus-net's MetricServer takes $(field prometheus-net/metrics1 2) ms (p50) per scrape on a kept-alive connection but"
    echo "  ${fresh[prometheus-net/metrics]} ms on a new one; it answers chunked, and a wait near 40 ms on kept-alive connections is the usual"
    echo "  signature of Nagle's algorithm meeting delayed ACKs (not investigated further). Prometheus keeps its connections alive."
  fi
  echo "- Reading \`HatchetWorkerHealth.Status\` allocates $(bdn_cell StatusReadBenchmarks HatchetWorkerHealth.Status Allocated) and takes $(bdn_cell StatusReadBenchmarks HatchetWorkerHealth.Status Mean);"
  echo "  observing the status gauge allocates $(bdn_cell GaugeObservationBenchmarks hatchet.worker.status Allocated), every Hatchet gauge $(bdn_cell GaugeObservationBenchmarks 'every Hatchet gauge' Allocated);"
  echo "  one uncached scrape over HTTP takes $(bdn_cell ScrapeBenchmarks 'response cache off' Mean) and allocates $(bdn_cell ScrapeBenchmarks 'response cache off' Allocated), client included."
  echo "- Turning the healthcheck on: working set $(ratio "${rss_end[on]}" "${rss_end[off]}")× (${rss_end[off]} → ${rss_end[on]} MiB), threads ${threads_end[off]} → ${threads_end[on]}, idle CPU ${cpu_ms[off]} → ${cpu_ms[on]} ms per ${idle_seconds} s (${cpu_ms[probed]} ms when scraped and probed), startup ${s_off} → ${s_on} ms to \"Application started\"."
  echo "- Where a peer is ahead of Hatchet by more than 5 % in section 1 (Hatchet ÷ peer in brackets):"
  for server in prometheus-net floor; do
    echo "  - ${title[$server]}: ${ahead[$server]:-nowhere}."
  done
  echo "- Scrapes cost the worker CPU mostly while .NET is still optimising the scrape path: $(ratio "$warm_cpu_ms" "$warm_scrapes") ms each over"
  echo "  scrapes $first to $((first + warm_scrapes - 1)), $(ratio "$steady_cpu_ms" "$steady_scrapes") ms each after that."
  echo "- The machine has $(nproc) cores shared by wrk and the server; a server that needs fewer cycles per request leaves"
  echo "  more to wrk, so requests/s here rank the servers rather than size them."
  if awk -v a="$load_start" -v b="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" 'BEGIN { exit !(a > n || b > n) }'; then
    echo "- The load average was above the number of cores: other work shared the machine during this run. p99"
    echo "  latencies, startup times and single-request times are then mostly scheduling; rerun on a quiet machine"
    echo "  before leaning on them. Requests/s and allocations suffer less."
  fi
} >"$output"
# build/native-aot.sh writes its own section at the end; a run of this script keeps it.
[ -z "$aot_section" ] || printf '\n%s\n' "$aot_section" >>"$output"
echo "wrote $output"
