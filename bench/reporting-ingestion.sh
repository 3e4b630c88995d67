#!/usr/bin/env bash
# Benchmark: what the reporting projector costs webhook ingestion (issue 13 §4: no more than 10% slower).
# Runs bench/webhooks.sh four times, each on a fresh PostgreSQL: with the projector off and on, for events that
# change nothing (customer.subscription.updated as it is) and for events that each change a subscription
# (invoice.finalized of a new invoice: a fact recorded and published, which the projector computes again), and
# writes the rates into bench/README.md. Needs what bench/webhooks.sh needs.
# Usage: bench/reporting-ingestion.sh [seconds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
source bench/common.sh
build_release silo/OrleansBilling.Silo.csproj
run() { # name, events kind, silo options
  BENCH_BUILT=1 BENCH_NO_README=1 BENCH_EVENTS="$2" BENCH_SILO_ARGS="$3" bash bench/webhooks.sh "$duration" >"$out/reporting-ingestion-$1.txt" 2>&1
  awk -F'|' '/^\| service:/ { gsub(/ /, "", $3); gsub(/ /, "", $4); print $3, $4 }' "$out/reporting-ingestion-$1.txt"
}
row() { # name, label, rps, p99
  echo "| $2 | $3 | $4 | $(grep -ho 'unreported subscriptions at the end: [0-9]*' "$out/reporting-ingestion-$1.txt" | grep -o '[0-9]*$') | $(grep -ho 'history rows: [0-9]*' "$out/reporting-ingestion-$1.txt" | grep -o '[0-9]*$') |"
}
change() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }'; }
read -r idle_off_rps idle_off_p99 <<<"$(run idle-off subscriptions --Billing:Reporting:Projector=false)"
read -r idle_on_rps idle_on_p99 <<<"$(run idle-on subscriptions "")"
read -r busy_off_rps busy_off_p99 <<<"$(run busy-off invoices --Billing:Reporting:Projector=false)"
read -r busy_on_rps busy_on_p99 <<<"$(run busy-on invoices "")"
table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) by \`bench/reporting-ingestion.sh $duration\`: \`bench/webhooks.sh $duration\` four times, each on a fresh
PostgreSQL with 500 customers, the reporting projector off (\`--Billing:Reporting:Projector=false\`) and on (the default).
*Unchanged*: signed \`customer.subscription.updated\` events that agree with what is known (outcomes: $(grep -ho 'by outcome: [^;]*' "$out/reporting-ingestion-idle-on.txt" | head -1 | sed 's/by outcome: //')),
so nothing is published and the projector idles. *Changing*: \`invoice.finalized\` of a new invoice each (outcomes:
$(grep -ho 'by outcome: [^;]*' "$out/reporting-ingestion-busy-on.txt" | head -1 | sed 's/by outcome: //')): every event records a fact, publishes a history row
and moves the subscription's version, so the projector computes that subscription again from its whole history
(which grows by every event) while the events come in. "Behind" is how many subscriptions the projector had not
computed when the measured run ended.

| run | webhooks/s | p99 | behind | history rows |
|---|---|---|---|---|
$(row idle-off "unchanged, projector off" "$idle_off_rps" "$idle_off_p99")
$(row idle-on "unchanged, projector on" "$idle_on_rps" "$idle_on_p99")
$(row busy-off "changing, projector off" "$busy_off_rps" "$busy_off_p99")
$(row busy-on "changing, projector on" "$busy_on_rps" "$busy_on_p99")

Change with reporting on: **$(change "$idle_off_rps" "$idle_on_rps")** for unchanged events, **$(change "$busy_off_rps" "$busy_on_rps")** for changing
ones (goal: no more than 10% slower).
TABLE
)
write_section reporting-ingestion "$table"
echo "$table"
