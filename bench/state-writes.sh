#!/usr/bin/env bash
# Benchmark: what a subscription grain's writes cost as the idempotency replies it keeps grow (issue 9
# §2). One customer per row gets R keyed commands, then 1,000 provider facts are applied one after
# another; the table has the grain's stored bytes and the facts per second, on a throwaway PostgreSQL
# with production durability. Writes the figures into bench/README.md.
# Usage: bench/state-writes.sh [replies ..., default 0 20 500]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
counts=("$@")
((${#counts[@]})) || counts=(0 20 500)

build_release bench/StateWrites/OrleansBilling.Bench.StateWrites.csproj
start_postgres state_writes
dotnet silo/bin/Release/net10.0/OrleansBilling.Silo.dll migrate "--ConnectionStrings:Billing=$connection_string" >/dev/null 2>&1 \
  || dotnet run -c Release --project silo -- migrate "--ConnectionStrings:Billing=$connection_string" >/dev/null
# The silo's start-up banner goes to the same output: only the table is kept.
dotnet bench/StateWrites/bin/Release/net10.0/OrleansBilling.Bench.StateWrites.dll "$connection_string" "${counts[@]}" \
  | sed -n '/^ *replies/,$p' | tee "$out/state-writes.txt"

write_section state-writes "$(cat <<TABLE
Measured $(date -u +%Y-%m-%d) on this project's machine ($(nproc) cores, shared by the silo and
PostgreSQL), Release build, $pg_settings. One silo in process; per row a new customer with one
checkout and R keyed commands (each answer kept 24 h for its Idempotency-Key), then 1,000 provider
facts applied one after another, each a decision persisted and then its read-model publish marked
done; a first customer warms up and is not reported. The rows are what PostgreSQL holds for the
customer's subscription grain: its state (written twice per fact) and its kept replies.

\`\`\`
$(cat "$out/state-writes.txt")
\`\`\`
TABLE
)"
