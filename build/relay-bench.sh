#!/usr/bin/env bash
# /metrics before and after a change, in one run: the example worker built from a BASE commit and from the
# working tree, both running at once, and the exporter's own listener on the working tree's private port,
# asked directly. wrk at 1 and 16 kept-alive connections, and one scrape per new connection read to the end
# (build/ScrapePerConnection, as an HTTP/1.0 client or a script reads it), rounds interleaved so that all three
# see the same machine. Not a test; nothing here runs in CI.
#
#   build/relay-bench.sh BASE [ROUNDS] [DURATION]      e.g. build/relay-bench.sh 7c5792c 3 5s
#
# Prints one line per run (req/s, p50, p99 and p99.9 in ms, non-2xx or failed, socket errors) and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:?usage: build/relay-bench.sh BASE [ROUNDS] [DURATION]}"
rounds="${2:-3}"
duration="${3:-5s}"
work=artifacts/relay-bench
rm -rf "$work" && mkdir -p "$work"
command -v wrk >/dev/null || { echo "relay-bench.sh needs wrk (Debian: apt-get install wrk)." >&2; exit 1; }
cc -O2 -Wall -Wextra -Werror -o "$work/scrape-per-connection" build/ScrapePerConnection/scrape-per-connection.c
# wrk prints no p99.9 of its own; its script's done() reads any percentile of its histogram (microseconds).
cat >"$work/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("percentiles %d %d %d\n", latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
LUA

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
declare -A port=([before]="$before_port" [after]="$after_port" [exporter]="$exporter_port")
declare -A path=([before]=/metrics [after]=/metrics [exporter]=/metrics/)
run() { # run WHICH CONNECTIONS: "req/s p50 p99 p99.9 non2xx errors", kept-alive connections
  local threads=$(( $2 < 2 ? $2 : 2 ))
  wrk -t"$threads" -c"$2" -d"$duration" -s "$work/percentiles.lua" "${url[$1]}" | awk '
    $1 == "percentiles" { p50 = $2 / 1000; p99 = $3 / 1000; p999 = $4 / 1000 } $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx/ { bad = $NF } /Socket errors/ { gsub(",", ""); errors = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %.3f %d %d\n", rps, p50, p99, p999, bad, errors }'
}
per_connection() { # per_connection WHICH: "scrapes/s p50 p99 p99.9 failed 0", one scrape per new connection
  echo "$("$work/scrape-per-connection" "${port[$1]}" "${path[$1]}" "${duration%s}") 0"
}
for which in before after exporter; do wrk -t2 -c16 -d2s "${url[$which]}" >/dev/null; "$work/scrape-per-connection" "${port[$which]}" "${path[$which]}" 1 >/dev/null; done

declare -A rps p50 p99 p999
record() { # record KEY "req/s p50 p99 p99.9 ..."
  local fields=($2)
  rps[$1]+="${fields[0]} "; p50[$1]+="${fields[1]} "; p99[$1]+="${fields[2]} "; p999[$1]+="${fields[3]} "
}
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  for connections in 1 16 new; do
    for which in before after exporter; do
      if [ "$connections" = new ]; then
        result=$(per_connection "$which"); label="a new connection per scrape"
      else
        result=$(run "$which" "$connections"); label="$connections connection(s)"
      fi
      echo "round $round, $label, $which: $result"
      record "$which$connections" "$result"
    done
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for connections in 1 16 new; do
  declare -A m=()
  for which in before after exporter; do
    for stat in rps p50 p99 p999; do
      unset -n values; declare -n values="$stat"
      m[$which$stat]=$(echo "${values[$which$connections]}" | median)
    done
  done
  label=$([ "$connections" = new ] && echo "a new connection per scrape" || echo "$connections connection(s)")
  echo "$label, medians of the rounds: req/s before ${m[beforerps]}, after ${m[afterrps]}, exporter's own listener ${m[exporterrps]}; after / exporter $(ratio "${m[afterrps]}" "${m[exporterrps]}"), after / before $(ratio "${m[afterrps]}" "${m[beforerps]}")"
  echo "  p50 / p99 / p99.9 ms: before ${m[beforep50]} / ${m[beforep99]} / ${m[beforep999]}, after ${m[afterp50]} / ${m[afterp99]} / ${m[afterp999]}, exporter ${m[exporterp50]} / ${m[exporterp99]} / ${m[exporterp999]}; after / exporter $(ratio "${m[afterp50]}" "${m[exporterp50]}") / $(ratio "${m[afterp99]}" "${m[exporterp99]}") / $(ratio "${m[afterp999]}" "${m[exporterp999]}")"
done
