#!/usr/bin/env bash
# Runs benchmarks one after the other, each writing its own section of bench/README.md, from one
# Release build. Default: the two of issue 5, entitlements and usage ingestion (about 6 minutes).
# Usage: bench/run.sh [entitlements|usage|webhooks|random-keys ...]
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
((${#names[@]})) || names=(entitlements usage)
for name in "${names[@]}"; do
  [[ -x bench/$name.sh ]] || { echo "no benchmark bench/$name.sh" >&2; exit 2; }
done

dotnet build -c Release -v q --nologo silo/OrleansBilling.Silo.csproj
dotnet build -c Release -v q --nologo bench/PlainEndpoint/OrleansBilling.Bench.PlainEndpoint.csproj
export BENCH_BUILT=1
for name in "${names[@]}"; do
  echo "== bench/$name.sh"
  "bench/$name.sh"
done
