#!/usr/bin/env bash
# Builds the solution and runs every test. Extra arguments go to `dotnet test`.
# Its last line is "N passed, N failed[, N skipped]", counted from the xUnit XML reports the test run
# writes, not from dotnet's console summary. A run that was cut (a hang past the timeout, a crash, a kill)
# says so on the line before, with how many tests had finished, and the cut counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."

results="${TEST_RESULTS_DIR:-artifacts/test-results}"
rm -rf "$results"
mkdir -p "$results"
console="$results/console.log"

# --timeout turns a hung test into a failure in minutes instead of a CI run that never ends. It only asks
# the tests to stop; one that ignores the request would hold the run forever, so `timeout` kills the whole
# run (every child included) three minutes later (the build counts toward this limit, not toward --timeout).
limit="${TEST_TIMEOUT_SECONDS:-600}"
hard=$((limit + 180))
# Every finished test is written to the console as it ends ("passed NAME", "failed NAME", "skipped NAME"):
# that is how a run killed before it wrote its report is counted. Only failures and the summary are shown.
timeout --kill-after=15s "${hard}s" \
  dotnet test --solution OpenTelemetry.Hatchet.sln --results-directory "$results" --report-xunit-xml \
  --timeout "${limit}s" --output Detailed --no-progress --no-ansi "$@" 2>&1 \
  | tee "$console" | grep -Ev '^(passed|skipped) |^  from '
status=${PIPESTATUS[0]}

sum() { # sum one attribute of every <assembly> element in the reports
  grep -ho "<assembly [^>]*" "$results"/*.xml 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'
}
seen() { # how many tests the console says ended that way
  grep -Ec "^$1 " "$console"
}
passed=$(sum passed)
failed=$(sum failed)
skipped=$(sum skipped)

cut=""
case "$status" in
  124 | 137) cut="killed after ${hard} s: a test ignored the ${limit} s timeout" ;;
  3) cut="aborted: the ${limit} s timeout passed (or the run was cancelled)" ;;
  *) if [ "$status" -ne 0 ] && grep -q '^Running tests from' "$console" && ! ls "$results"/*.xml >/dev/null 2>&1; then
       cut="ended with exit code $status before it wrote a report"
     fi ;;
esac

if [ -n "$cut" ]; then
  # A cut run's report, if it wrote one, may hold fewer tests than the console saw end, or none at all.
  if [ $((passed + failed + skipped)) -lt $(($(seen passed) + $(seen failed) + $(seen skipped))) ]; then
    passed=$(seen passed)
    failed=$(seen failed)
    skipped=$(seen skipped)
  fi
  echo "THE RUN WAS CUT ($cut): only $((passed + failed + skipped)) tests finished; the cut is counted as one failure."
  failed=$((failed + 1))
elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed without a failing test (a build error, a crash): count that as a failure.
  failed=1
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$status" -eq 0 ] || exit "$status"
exit 0
