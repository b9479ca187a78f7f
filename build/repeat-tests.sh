#!/usr/bin/env bash
# Runs the whole suite (build/test.sh) RUNS times in a row and says which runs failed and which tests
# failed in them, to find tests that fail only sometimes. With LOADED > 0, the last LOADED runs have
# two CPU-bound processes beside them (on a 2-core machine, the worst the suite should survive).
#
#   build/repeat-tests.sh RUNS [LOADED]      e.g. build/repeat-tests.sh 20 5
#
# Each run's reports go to artifacts/repeat/run-K; the summary is artifacts/repeat/summary.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:?usage: build/repeat-tests.sh RUNS [LOADED]}"
loaded="${2:-0}"
out=artifacts/repeat
rm -rf "$out"
mkdir -p "$out"

# The first build is not timed as a run: every run after it finds the build up to date.
dotnet build OpenTelemetry.Hatchet.sln -v quiet -nologo >/dev/null || { echo "build failed"; exit 1; }

green=0
load_pids=()
stop_load() { [ ${#load_pids[@]} -gt 0 ] && kill "${load_pids[@]}" 2>/dev/null; load_pids=(); }
trap stop_load EXIT

for k in $(seq 1 "$runs"); do
  label="run $k"
  if [ "$k" -gt $((runs - loaded)) ]; then
    label="$label (2 CPU-bound processes beside it)"
    if [ ${#load_pids[@]} -eq 0 ]; then
      for _ in 1 2; do sh -c 'while :; do :; done' & load_pids+=("$!"); done
    fi
  fi
  start=$(date +%s)
  TEST_RESULTS_DIR="$out/run-$k" build/test.sh >"$out/run-$k.log" 2>&1
  status=$?
  line=$(tail -n 1 "$out/run-$k.log")
  seconds=$(( $(date +%s) - start ))
  failures=$(grep -ho '<test [^>]*result="Fail"' "$out/run-$k"/*.xml 2>/dev/null | grep -o ' name="[^"]*"' | cut -d'"' -f2 | sort -u | tr '\n' ';')
  [ "$status" -eq 0 ] && green=$((green + 1))
  echo "$label: exit $status, $line, ${seconds}s${failures:+, failed: $failures}" | tee -a "$out/summary.txt"
done
stop_load

echo "$green of $runs runs green" | tee -a "$out/summary.txt"
[ "$green" -eq "$runs" ]
