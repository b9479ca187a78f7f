#!/usr/bin/env bash
# Fuzzes the healthcheck's request parser (HttpRequestHead.TryParse) with AFL++ through SharpFuzz for a
# bounded time, checking on every input the invariants the property tests check
# (test/OpenTelemetry.Hatchet.Tests/Http/RequestHeadInvariants.cs). Not a test: nothing here runs in CI.
#
#   build/fuzz.sh                      # 10 minutes
#   FUZZ_SECONDS=3600 nice -n 19 build/fuzz.sh
#
# The corpus is kept between runs in artifacts/fuzz/corpus (minimized with afl-cmin after each run) and
# starts from the small seed corpus in build/Fuzz/corpus. Inputs that broke an invariant (or threw) are in
# artifacts/fuzz/findings/default/crashes; replay one with
#   dotnet artifacts/fuzz/bin/OpenTelemetry.Hatchet.Fuzz.dll < FILE
# Needs afl++ (Debian: apt-get install afl++) and the sharpfuzz tool
# (dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0); installs them when run as root.
# Exit status: 0 when nothing was found, 1 when something was.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-600}"
work=artifacts/fuzz
harness="$work/bin/OpenTelemetry.Hatchet.Fuzz.dll"
export PATH="$PATH:$HOME/.dotnet/tools"

if ! command -v afl-fuzz >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "fuzz.sh needs afl++ (Debian: apt-get install afl++)." >&2; exit 2; }
  apt-get install -y -qq afl++ >/dev/null
fi
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

rm -rf "$work/bin"
dotnet publish build/Fuzz/RequestParserFuzz -c Release -o "$work/bin" --nologo -v quiet
# Only the package is instrumented: coverage of the harness and the runtime would only add noise.
sharpfuzz "$work/bin/OpenTelemetry.Hatchet.dll"

input=build/Fuzz/corpus
if [ -d "$work/corpus" ] && [ -n "$(ls -A "$work/corpus")" ]; then
  input="$work/corpus"
fi

# The harness is a managed program: AFL++ cannot see its instrumentation in the binary (dotnet), and a
# container's core_pattern and CPU governor are not ours to change.
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
rm -rf "$work/findings.previous"
[ -d "$work/findings" ] && mv "$work/findings" "$work/findings.previous"
afl-fuzz -V "$seconds" -i "$input" -o "$work/findings" -x build/Fuzz/http.dict -t 5000 -m none -- dotnet "$harness" >"$work/afl.log" 2>&1 \
  || { tail -n 30 "$work/afl.log" >&2; exit 2; }

# Keep the smallest set of inputs that covers what the whole queue covers, for the next run.
rm -rf "$work/corpus.new"
afl-cmin -i "$work/findings/default/queue" -o "$work/corpus.new" -t 5000 -m none -- "$(command -v dotnet)" "$harness" >"$work/cmin.log" 2>&1 \
  && { rm -rf "$work/corpus"; mv "$work/corpus.new" "$work/corpus"; } \
  || echo "afl-cmin failed (see $work/cmin.log); the corpus is left as it was." >&2

stats="$work/findings/default/fuzzer_stats"
value() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
crashes=$(value saved_crashes)
hangs=$(value saved_hangs)
echo "fuzzed ${seconds} s: $(value execs_done) executions ($(value execs_per_sec)/s), $(value corpus_count) queued inputs, $(value edges_found) edges; crashes $crashes, hangs $hangs; corpus kept: $(ls "$work/corpus" 2>/dev/null | wc -l) inputs"
[ "$crashes" = 0 ] && [ "$hangs" = 0 ]
