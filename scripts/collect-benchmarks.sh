#!/usr/bin/env bash
# Collects docs/bench/<area>.md into docs/benchmarks.md (one section per area, in the pipeline's order).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/docs/benchmarks.md"
{
  echo "# Benchmarks"
  echo
  echo "Measured with \`dotnet run -c Release --project tests/Benchmarks -- <scenario>\` (or the harness each section names),"
  echo "on the project's machine kind: a 2-core Debian 12 VM, 24 GB, no GPU. Most figures below were taken while up to"
  echo "eight builds and test runs shared those two cores (load average 40–57); each section says so where it applies,"
  echo "and ratios measured in one run are more trustworthy than absolute times."
  for area in startup sim so101 cameras dataset recording learning generative scripting rollout tui; do
    f="$root/docs/bench/$area.md"
    [[ -f "$f" ]] || continue
    echo
    sed -e 's/^# /## /' "$f"
  done
} > "$out"
echo "wrote $out" >&2
