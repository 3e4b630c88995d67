#!/usr/bin/env bash
# Benchmark: what the reporting projector costs webhook ingestion (issue 13 §4: no more than 10% slower).
# Runs bench/webhooks.sh twice on fresh PostgreSQL servers, with the projector off and on, and writes both
# rates into bench/README.md. Needs what bench/webhooks.sh needs. Usage: bench/reporting-ingestion.sh [seconds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
source bench/common.sh
build_release silo/OrleansBilling.Silo.csproj
run() { # name, silo options
  BENCH_BUILT=1 BENCH_NO_README=1 BENCH_SILO_ARGS="$2" bash bench/webhooks.sh "$duration" >"$out/reporting-ingestion-$1.txt" 2>&1
  awk -F'|' '/^\| service:/ { gsub(/ /, "", $3); gsub(/ /, "", $4); print $3, $4 }' "$out/reporting-ingestion-$1.txt"
}
read -r off_rps off_p99 <<<"$(run off --Billing:Reporting:Projector=false)"
read -r on_rps on_p99 <<<"$(run on "")"
change=$(awk -v a="$off_rps" -v b="$on_rps" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')
table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) by \`bench/reporting-ingestion.sh $duration\`: \`bench/webhooks.sh $duration\` twice, each on a fresh PostgreSQL,
with the reporting projector off (\`--Billing:Reporting:Projector=false\`) and on (the default). Inbox outcomes of the
measured runs: $(grep -ho 'by outcome: [^;]*' "$out/reporting-ingestion-on.txt" | head -1). Events that change
nothing publish no history, so the projector has nothing to compute: this shows what it costs idle, not what it
costs when every event changes a subscription (each then a history publish the projector computes again), which
is still to be measured with events that do.

| projector | webhooks/s | p99 |
|---|---|---|
| off | $off_rps | $off_p99 |
| on | $on_rps | $on_p99 |

Change with reporting on: **$change** (goal: no more than 10% slower).
TABLE
)
write_section reporting-ingestion "$table"
echo "$table"
