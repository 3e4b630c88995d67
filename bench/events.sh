#!/usr/bin/env bash
# Benchmark of events to products (issue 15), on PostgreSQL with bench/webhooks.sh's load of renewal webhooks (each a
# Renewed transition: subscription.updated, invoice.paid and entitlements.updated for the product):
#  1. what events add to the subscription path: the same load with events off (Billing:Events:Enabled=false) and on (one
#     endpoint of every type at a local receiver that answers 204 at once), at one connection (the latency of a request on
#     an otherwise idle service) and at 32 (the service saturated);
#  2. the delivery rate: after the saturated run, every event of it is queued for its endpoint again (a replay) and
#     delivered: events per second until none waits;
#  3. delivery on against off in one silo and one database, phase after phase (the run alt-1, bench/events-alternate.sh),
#     one connection paced below saturation (BENCH_ALT_THINK_MS, default 10 ms between an answer and the next request):
#     separate runs of (1) differ by more than 5% between two runs of the same setting, so they cannot tell a 5% goal.
# Needs what bench/webhooks.sh needs, and node. Writes the figures into bench/README.md.
# Usage: bench/events.sh [seconds, default 20] [customers, default 500]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
customers=${2:-500}
source bench/common.sh
require_tools node psql curl
build_release silo/OrleansBilling.Silo.csproj
export BENCH_BUILT=1
receiver_port=$(free_port)
# The receiver runs at the lowest priority: a stand-in for a product's own machine, so its share of the two cores is
# taken only when the service leaves them idle (BENCH_RECEIVER_NICE=0: at the service's priority).
if [[ ${BENCH_RECEIVER_NICE:-1} == 0 ]]; then node bench/receiver.mjs "$receiver_port" & else nice -n 19 node bench/receiver.mjs "$receiver_port" & fi
pids+=($!)
admin=adm_bench_events_0123456789

run() { # name, connections, events (true|false), an endpoint (true|false)
  local name=$1 connections=$2 enabled=$3 endpoint=$4 hooks=$out/events-hooks-$1.sh
  cat >"$hooks" <<HOOKS
after_setup() {
  wal_from=\$(psql -At -c "SELECT pg_current_wal_lsn()")
  webhooks_from=\$(psql -At -c "SELECT count(*) FROM billing.stripe_events")
  # The WAL read afterwards must outlive the checkpoint before the measured run.
  if [[ -n \${BENCH_WAL_STATS:-} ]]; then psql -q -c "ALTER SYSTEM SET wal_keep_size = '4GB'" -c "SELECT pg_reload_conf()" >/dev/null; fi
  [[ $endpoint == true ]] || return 0
  curl -sf -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \\
    -d '{"url":"http://127.0.0.1:$receiver_port/events","description":"bench"}' \\
    "\$base/admin/v1/products/demo/event-endpoints" >"$out/events-endpoint-$name.json"
  run_started=\$(date -u +%Y-%m-%dT%H:%M:%SZ)
}
after_warmup() {
  # The statements from the measured run on (after_run prints them once its deliveries are done), not the warm-up's.
  if [[ -n \${BENCH_STATEMENTS:-} ]]; then psql -q -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null; fi
  if [[ $name == alt-* ]]; then source bench/events-alternate.sh; alternate "$out/events-endpoint-$name.json" "$admin"; fi
}
after_run() {
  # PostgreSQL's WAL from the warm-up on, deliveries included, per webhook handled meanwhile: what each commit waits to flush.
  wal() { psql -At -c "SELECT 'WAL per webhook: ' || round(pg_wal_lsn_diff(pg_current_wal_lsn(), '\$wal_from') / (count(*) - \$webhooks_from)) || ' bytes over ' || (count(*) - \$webhooks_from) || ' webhooks' FROM billing.stripe_events"
    # BENCH_WAL_STATS=1: that WAL by relation and kind of record (pg_walinspect), the largest first.
    if [[ -n \${BENCH_WAL_STATS:-} ]]; then
      psql -q -c "CREATE EXTENSION IF NOT EXISTS pg_walinspect" -c "SELECT coalesce(c.relname, '-') AS relation, r.record_type AS record, count(*), round(sum(r.record_length) / 1024.0) AS kb, round(sum(r.fpi_length) / 1024.0) AS fpi_kb FROM (SELECT record_type, record_length, fpi_length, substring(block_ref from 'rel [0-9]+/[0-9]+/([0-9]+)')::oid AS node FROM pg_get_wal_records_info('\$wal_from', pg_current_wal_flush_lsn())) r LEFT JOIN pg_class c ON c.relfilenode = r.node GROUP BY 1, 2 ORDER BY sum(r.record_length) DESC LIMIT 20"
    fi
  }
  statements() {
    if [[ -n \${BENCH_STATEMENTS:-} ]]; then
      psql -c "SELECT round(total_exec_time::numeric, 0) AS ms, calls, round((total_exec_time / calls)::numeric, 3) AS ms_per_call, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25"
    fi
  }
  [[ $endpoint == true ]] || { statements; echo "events stored: \$(psql -At -c 'SELECT count(*) FROM billing.product_events')"; wal; return 0; }
  pending() { psql -At -c "SELECT count(*) FROM billing.event_deliveries WHERE status = 'Pending'"; }
  local waited=0
  while (( \$(pending) > 0 && waited < 300 )); do sleep 1; waited=\$((waited + 1)); done
  statements
  echo "events stored: \$(psql -At -c 'SELECT count(*) FROM billing.product_events'); delivered: \$(psql -At -c "SELECT count(*) FROM billing.event_deliveries WHERE status = 'Delivered'"); waiting after the run: \${waited} s"
  wal
  if [[ $name == on-32 ]]; then
    local endpoint=\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoint"]["id"])' "$out/events-endpoint-$name.json")
    local before=\$(curl -sf http://127.0.0.1:$receiver_port/count)
    local started=\$(date +%s.%N)
    local queued=\$(curl -sf -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \\
      -d "{\"from\":\"\$run_started\",\"to\":\"\$(date -u -d '+1 min' +%Y-%m-%dT%H:%M:%SZ)\"}" \\
      "\$base/admin/v1/products/demo/event-endpoints/\$endpoint/replay" | python3 -c 'import json,sys; print(json.load(sys.stdin)["queued"])')
    while (( \$(pending) > 0 )); do sleep 0.2; done
    local ended=\$(date +%s.%N)
    echo "replayed: \$queued events in \$(awk -v a="\$started" -v b="\$ended" 'BEGIN { printf "%.1f", b - a }') s: \$(awk -v a="\$started" -v b="\$ended" -v n="\$queued" 'BEGIN { printf "%.0f", n / (b - a) }') events/s; receiver before \$before, after \$(curl -sf http://127.0.0.1:$receiver_port/count)"
  fi
}
HOOKS
  local think=${BENCH_THINK_MS:-}
  [[ $name != alt-* ]] || think=${BENCH_ALT_THINK_MS:-10}
  BENCH_HOOKS=$hooks BENCH_CONNECTIONS=$connections BENCH_EVENTS=renewals BENCH_NO_PGBENCH=1 BENCH_NO_README=1 BENCH_THINK_MS=$think \
    BENCH_SILO_ARGS="--Billing:AdminKey=$admin --Billing:Events:Enabled=$enabled --Billing:Events:SandboxReceiver=false ${BENCH_EVENTS_SILO_ARGS:-}" \
    bash bench/webhooks.sh "$duration" "$customers" >"$out/events-$name.txt" 2>&1 \
    || { echo "the $name run failed:" >&2; tail -20 "$out/events-$name.txt" >&2; exit 1; }
  grep -E '^alt |^\| service:|events stored|replayed|WAL per|CPU time per|^ [a-z0-9_-]+ +\| [A-Z_+]+ +\|' "$out/events-$name.txt" | sed "s/^/$name: /"
}

# BENCH_RUNS picks runs (for an experiment; README.md is written only after all five, with neither of the two settings
# below): off-N, on-N, bare-N (events on, no endpoint: every change's events composed and stored, nothing to deliver),
# or alt-N (delivery off and on, phase after phase in one silo: bench/events-alternate.sh). BENCH_STATEMENTS=1 (with
# BENCH_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements") prints the statements that took PostgreSQL's time;
# BENCH_WAL_STATS=1 the WAL of each run by relation; BENCH_EVENTS_SILO_ARGS adds silo options (e.g. a longer GatherFor);
# BENCH_THINK_MS (bench/webhooks.lua) paces each connection below saturation.
runs=${BENCH_RUNS:-off-1 on-1 off-32 on-32 alt-1}
for name in $runs; do
  run "$name" "${name#*-}" "$([[ $name == on-* || $name == bare-* || $name == alt-* ]] && echo true || echo false)" "$([[ $name == on-* || $name == alt-* ]] && echo true || echo false)"
done
[[ $runs == "off-1 on-1 off-32 on-32 alt-1" && -z ${BENCH_THINK_MS:-}${BENCH_EVENTS_SILO_ARGS:-} ]] || { grep -h -A28 'ms_per_call' "$out"/events-*.txt || true; exit 0; }

row() { # name → "rps | p99 | p50"
  awk -F'|' '/^\| service:/ { gsub(/ /, "", $3); gsub(/ /, "", $4); sub(/ *p50 */, "", $5); gsub(/ /, "", $5); print $3 " | " $5 " | " $4 }' "$out/events-$1.txt"
}
ms() { awk -v l="$1" 'BEGIN { if (l ~ /us$/) print l / 1000; else if (l ~ /ms$/) print l + 0; else if (l ~ /s$/) print l * 1000; else print l }'; }
added() { # off, on → percent
  awk -v a="$(ms "$1")" -v b="$(ms "$2")" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }'
}
field() { awk -F' \\| ' -v i="$2" '{print $i}' <<<"$(row "$1")"; }
delivered=$(grep -h 'delivered:' "$out"/events-on-*.txt | sed 's/^/- /')
replayed=$(grep -h '^replayed' "$out/events-on-32.txt" || echo "replay: not measured")
alternated() { grep -h "^alt $1" "$out/events-alt-1.txt" | sed "s|^alt $1: ||"; }

table=$(cat <<TABLE
Measured $(date -u +%Y-%m-%d) on this project's machine ($(nproc) cores, shared by the silo, PostgreSQL, wrk and the
receiver), $customers customers, renewal webhooks (\`BENCH_EVENTS=renewals\` of bench/webhooks.sh: each a \`Renewed\`
transition, so three events for the product), ${duration} s after a 20 s warm-up; a fresh database for each run.
Events on: one endpoint of every type at a local receiver (node at the lowest priority, answers 204 at once, does not verify).

| run | webhooks/s | p50 | p99 |
|---|---|---|---|
| events off, 1 connection | $(field off-1 1) | $(field off-1 2) | $(field off-1 3) |
| events on, 1 connection | $(field on-1 1) | $(field on-1 2) | $(field on-1 3) |
| events off, 32 connections | $(field off-32 1) | $(field off-32 2) | $(field off-32 3) |
| events on, 32 connections | $(field on-32 1) | $(field on-32 2) | $(field on-32 3) |

**Added latency, delivery on against off** (one connection, ${BENCH_ALT_THINK_MS:-10} ms between an answer and the next
request; in one silo and database, the endpoint enabled and disabled in turn, ${BENCH_ALT_PAIRS:-8} pairs of ${BENCH_ALT_SECONDS:-15} s,
every change's events stored in both): **p50 $(alternated p50)** (goal: under 5%; one run, and runs of the same
code differ by more than that: judge by several).
p99: $(alternated p99). Rates and CPU: $(alternated webhooks/s).

Events on against off in separate runs (each a fresh silo and database; two runs of the same setting differ by more than
5%), one connection unpaced: p50 $(added "$(field off-1 2)" "$(field on-1 2)"), p99 $(added "$(field off-1 3)" "$(field on-1 3)").
Saturated (32 connections): throughput $(awk -v a="$(field off-32 1)" -v b="$(field on-32 1)" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }'), p50 $(added "$(field off-32 2)" "$(field on-32 2)").
$delivered
- delivery rate, one endpoint: $replayed
TABLE
)
[[ -n ${BENCH_NO_README:-} ]] || write_section events "$table"
echo "$table"
