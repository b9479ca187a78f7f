#!/usr/bin/env bash
# Measures the .NET HttpListener start race that src/OpenTelemetry.Hatchet/Healthcheck/HttpListenerStartup.cs
# works around: RUNS processes each start a listener STARTS times while a client keeps connecting.
# Faults thrown by Start are recovered and counted; a fault on the thread-pool path ends the process
# (exit 134), which is counted as a crash. Not a test: the crash is .NET's, and no code outside it can stop it.
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
starts="${2:-300}"
dotnet build build/HttpListenerStartRace -c Release -v q -nologo >/dev/null || exit 1
crashes=0
recovered=0
for run in $(seq 1 "$runs"); do
  out=$(dotnet build/HttpListenerStartRace/bin/Release/net10.0/HttpListenerStartRace.dll "$starts" 2>&1)
  status=$?
  [ "$run" -eq 1 ] && echo "$out" | head -1
  if [ "$status" -ne 0 ]; then
    crashes=$((crashes + 1))
  else
    recovered=$((recovered + $(echo "$out" | sed -n 's/.*recovered: \([0-9]*\).*/\1/p')))
  fi
done
echo "runs: $runs x $starts starts; faults recovered: $recovered; runs that crashed: $crashes"
