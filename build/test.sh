#!/usr/bin/env bash
# Builds the solution and runs every test. Extra arguments go to `dotnet test`.
# Its last line is "N passed, N failed[, N skipped]", counted from the xUnit XML reports
# the test run writes, not from dotnet's console summary.
set -uo pipefail
cd "$(dirname "$0")/.."

results="${TEST_RESULTS_DIR:-artifacts/test-results}"
rm -rf "$results"
mkdir -p "$results"

# --timeout turns a hung test into a failure in minutes instead of a CI run that never ends.
dotnet test --solution OpenTelemetry.Hatchet.sln --results-directory "$results" --report-xunit-xml --timeout 10m "$@"
status=$?

sum() { # sum one attribute of every <assembly> element in the reports
  grep -ho "<assembly [^>]*" "$results"/*.xml 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'
}
passed=$(sum passed)
failed=$(sum failed)
skipped=$(sum skipped)

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed without a failing test (a build error, a crash): count that as a failure.
  failed=1
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit "$status"
