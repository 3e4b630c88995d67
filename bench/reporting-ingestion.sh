#!/usr/bin/env bash
# Benchmark: what the reporting projector costs webhook ingestion (issue 13 §4: no more than 10% slower).
# Runs bench/webhooks.sh (without its pgbench part) on a fresh PostgreSQL each time, with the projector off and on in
# turn, ROUNDS times, for three kinds of events: ones that change nothing (customer.subscription.updated as it is),
# facts reports do not read (invoice.finalized of a new invoice: recorded and published) and transitions reports read
# (a renewal invoice paid: Renewed). With the projector on, each run waits until it has caught up and counts its CPU.
# Writes every run and the mean change per kind into bench/README.md.
# Needs what bench/webhooks.sh needs. Usage: bench/reporting-ingestion.sh [seconds, default 20] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
rounds=${2:-2}
source bench/common.sh
build_release silo/OrleansBilling.Silo.csproj
run() { # file name, events kind, silo options, wait for the projector
  BENCH_BUILT=1 BENCH_NO_README=1 BENCH_NO_PGBENCH=1 BENCH_EVENTS="$2" BENCH_SILO_ARGS="$3" BENCH_WAIT_REPORTED="$4" \
    bash bench/webhooks.sh "$duration" >"$out/$1.txt" 2>&1
}
rate() { awk -F'|' '/^\| service:/ { gsub(/ /, "", $3); print $3 }' "$out/$1.txt"; }
p99() { awk -F'|' '/^\| service:/ { gsub(/ /, "", $4); print $4 }' "$out/$1.txt"; }
field() { { grep -ho "$2: [^;]*" "$out/$1.txt" || true; } | head -1 | sed "s/$2: //"; } # empty when the run does not say
rows=""
summary=""
for kind in subscriptions invoices renewals; do
  offs=() ons=()
  for round in $(seq 1 "$rounds"); do
    for projector in off on; do
      name=reporting-ingestion-$kind-$projector-$round
      if [[ $projector == off ]]; then
        run "$name" "$kind" --Billing:Reporting:Projector=false ""
        offs+=("$(rate "$name")")
      else
        run "$name" "$kind" "" 1
        ons+=("$(rate "$name")")
      fi
      rows+="| $kind | $round | $projector | $(rate "$name") | $(p99 "$name") | $(field "$name" "unreported subscriptions at the end") | $(field "$name" "caught up after") | $(field "$name" "inbox rows of the measured run by outcome") | $(field "$name" "CPU time per event") | $(field "$name" "CPU time per event with it") |"$'\n'
    done
  done
  change=$(printf '%s\n' "${offs[@]}" | paste -sd' ' | awk -v on="${ons[*]}" '{ for (i = 1; i <= NF; i++) a += $i; n = split(on, b, " "); for (i = 1; i <= n; i++) c += b[i]; printf "%+.1f%%", (c / n - a / NF) * 100 / (a / NF) }')
  summary+="$kind: **$change**; "
done
table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) by \`bench/reporting-ingestion.sh $duration $rounds\`: \`bench/webhooks.sh $duration\` (500 customers, 32 connections, a
fresh PostgreSQL each run, no pgbench part), the reporting projector off (\`--Billing:Reporting:Projector=false\`) and on (the
default) in turn. Kinds of events: *subscriptions*, signed \`customer.subscription.updated\` that agree with what is known (nothing
is published; the projector idles); *invoices*, \`invoice.finalized\` of a new invoice each (a fact recorded and published, which
reports do not read: the projector only marks the subscription); *renewals*, \`invoice.paid\` of a new invoice for the next
period (a \`Renewed\` transition each: the projector computes the subscription again from its whole history, which grows by every
event). "Behind": subscriptions the projector had not computed when the measured run ended (it rests 5 s when caught up; with it
off, every subscription stays unreported); "caught up": seconds after the run until it had computed them all; the last column is
the CPU time of the silo and PostgreSQL per event from the measured run's start until then, the projector's work included.

| events | round | projector | webhooks/s | p99 | behind | caught up | outcomes | CPU per event | CPU per event, catch-up included |
|---|---|---|---|---|---|---|---|---|---|
${rows%$'\n'}

Mean change with the projector on: ${summary%; } (goal: no more than 10% slower). The machine's 2 cores are shared by
the silo, PostgreSQL and wrk, and its speed drifts between runs by several percent: compare the rounds as well as the means.
TABLE
)
write_section reporting-ingestion "$table"
echo "$table"
