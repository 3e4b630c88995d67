#!/usr/bin/env bash
# Benchmark: what customers' activations cost in memory (issue 16): the managed heap added by K known customers
# (Active, asked for their entitlements) and N never-seen ones, per customer, per 100k and per 1M, and after Orleans'
# activation collector ran; with the stored state's size. One silo in process (bench/Activations) on a throwaway
# PostgreSQL. Writes the figures into bench/README.md.
# Usage: bench/memory.sh [known, default 20000] [unknown, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
known=${1:-20000}
unknown=${2:-100000}
build_release bench/Activations/OrleansBilling.Bench.Activations.csproj
start_postgres memory
dotnet bench/Activations/bin/Release/net10.0/OrleansBilling.Bench.Activations.dll "$connection_string" "$known" "$unknown" \
  | sed -n '/^| what/,$p' | grep -E '^(\||Heap|Stored|$)' | tee "$out/memory.txt"

write_section memory "$(cat <<TEXT
Measured $(date -u +%Y-%m-%d) on this project's machine ($(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)), Release build, server GC,
one silo in process with the sandbox, $pg_settings. Heap figures are \`GC.GetTotalMemory\` after full compacting
collections, so they count live objects only (the working set adds the GC's reserve and the runtime).

$(cat "$out/memory.txt")
TEXT
)"
