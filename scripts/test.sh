#!/usr/bin/env bash
# Runs every test project and ends with one line "N passed, N failed, N skipped" taken from the TRX results.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# TorchSharp 0.107 turns a plain number argument (and the implicit alpha of `a + b`) into a native Scalar that only a
# finalizer frees; a GC during the native call can free it while libtorch still reads it, which shows up as
# "Expected false to be true ... toFloat at c10/core/Scalar.h:140" or a wrong value (dotnet/TorchSharp#1434).
# A larger gen-0 budget makes GCs, and so the race, far rarer while training; it is a mitigation, not a fix.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x10000000}"
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
dotnet test "$root/RobotHost.sln" -c Release -nologo -v q --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
code=$?
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  files=$((files+1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if (( code != 0 && failed == 0 )); then failed=1; echo "test run failed outside the tests (build error or crashed test host)" >&2; fi
echo "$passed passed, $failed failed, $skipped skipped"
(( code == 0 && failed == 0 && files > 0 )) || exit 1
