#!/usr/bin/env bash
# /metrics before and after a change, in one run: the example worker built from a BASE commit and from the
# working tree, both running at once, and the exporter's own listener on the working tree's private port,
# asked directly. wrk at 1 and 16 connections, rounds interleaved so that all three see the same machine.
# Not a test; nothing here runs in CI.
#
#   build/relay-bench.sh BASE [ROUNDS] [DURATION]      e.g. build/relay-bench.sh 7c5792c 3 5s
#
# Prints one line per run (req/s, p50 ms, p99 ms, non-2xx, socket errors) and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:?usage: build/relay-bench.sh BASE [ROUNDS] [DURATION]}"
rounds="${2:-3}"
duration="${3:-5s}"
work=artifacts/relay-bench
rm -rf "$work" && mkdir -p "$work"
command -v wrk >/dev/null || { echo "relay-bench.sh needs wrk (Debian: apt-get install wrk)." >&2; exit 1; }

git worktree add -f --detach "$work/base" "$base" >/dev/null 2>&1
workers=()
# The workers are started in command substitutions, so they are not this shell's jobs: they are stopped by pid.
trap 'kill "${workers[@]}" 2>/dev/null || true; git worktree remove --force "$work/base" >/dev/null 2>&1 || true' EXIT
for tree in "$work/base" .; do
  dotnet build "$tree/examples/WorkerService" -c Release -nologo -v quiet >/dev/null
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start() { # start TREE PORT: the example worker with its healthcheck on PORT; prints its pid
  (cd "$1/examples/WorkerService/bin/Release/net10.0" && HATCHET_CLIENT_WORKER_HEALTHCHECK_ENABLED=true \
    HATCHET_CLIENT_WORKER_HEALTHCHECK_PORT="$2" exec dotnet WorkerService.dll >/dev/null 2>&1) &
  echo $!
}
wait_up() { for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$1/metrics" && return 0; sleep 0.1; done; return 1; }

before_port=$(free_port); before=$(start "$work/base" "$before_port"); workers+=("$before")
after_port=$(free_port); after=$(start . "$after_port"); workers+=("$after")
wait_up "$before_port" && wait_up "$after_port"
exporter_port=$(ss -ltnpH | awk -v pid="pid=$after," -v public=":$after_port" 'index($0, pid) && $4 ~ /^127\.0\.0\.1:/ && $4 !~ public"$" { sub(/.*:/, "", $4); print $4; exit }')
[ -n "$exporter_port" ] || { echo "the exporter's private port was not found" >&2; exit 1; }

declare -A url=([before]="http://127.0.0.1:$before_port/metrics" [after]="http://127.0.0.1:$after_port/metrics" [exporter]="http://127.0.0.1:$exporter_port/metrics/")
run() { # run URL CONNECTIONS: "req/s p50 p99 non2xx errors"
  local threads=$(( $2 < 2 ? $2 : 2 ))
  wrk -t"$threads" -c"$2" -d"$duration" --latency "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx/ { bad = $NF } /Socket errors/ { gsub(",", ""); errors = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %d %d\n", rps, p50, p99, bad, errors }'
}
for which in before after exporter; do wrk -t2 -c16 -d2s "${url[$which]}" >/dev/null; done

declare -A rps
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  for connections in 1 16; do
    for which in before after exporter; do
      result=$(run "${url[$which]}" "$connections")
      echo "round $round, $connections connection(s), $which: $result"
      rps[$which$connections]+="${result%% *} "
    done
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for connections in 1 16; do
  b=$(echo "${rps[before$connections]}" | median); a=$(echo "${rps[after$connections]}" | median); e=$(echo "${rps[exporter$connections]}" | median)
  echo "$connections connection(s), median req/s: before $b, after $a, exporter's own listener $e; after / exporter $(awk -v a="$a" -v e="$e" 'BEGIN { printf "%.2f", a / e }'), after / before $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
done
