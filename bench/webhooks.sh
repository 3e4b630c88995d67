#!/usr/bin/env bash
# Benchmark: POST /webhooks/stripe with valid signed customer.subscription.updated events, the
# service on PostgreSQL, side by side with pgbench running the same inbox insert and grain-state
# write on the same database. Writes the figures into bench/README.md.
# Needs wrk, pgbench, python3 and the PostgreSQL server binaries (initdb, pg_ctl), or BENCH_POSTGRES:
# an Npgsql connection string (Host, Port, Username, Password) of a server to create a database on.
# Usage: bench/webhooks.sh [seconds, default 20] [customers, default 500]
# BENCH_EVENTS=invoices sends invoice.finalized events of new invoices instead (each a fact the subscription
# records and publishes), BENCH_EVENTS=renewals renewal invoices paid (each a Renewed transition); the pgbench
# comparison stays the subscription event's, and BENCH_NO_PGBENCH=1 leaves it and the Fastify anchor out (the anchor:
# ../shared/anchors/fastify-webhooks, the stack the service replaces, run after pgbench on the same database and events;
# needs node and npm; BENCH_NO_ANCHOR=1 leaves only it out). BENCH_WAIT_REPORTED=1 waits after
# the measured run until the reporting projector has computed every subscription, and counts its CPU time.
# BENCH_CONNECTIONS sets wrk's connections (32); BENCH_THINK_MS makes each wait that long between an answer and its next request. BENCH_HOOKS names a script sourced here that may define after_setup
# (run once the customers exist), after_warmup (just before the measured run) and after_run (after the measured run, while the
# silo still runs); bench/events.sh uses them.
# BENCH_PERF=1 also profiles the silo with perf during a run of its own after the measured one and splits its CPU time by
# part (bench/perf-split.py webhooks); the silo then runs with a perf map and without W^X.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
customers=${2:-500}
warmup=20
connections=${BENCH_CONNECTIONS:-32}
threads=$(( connections < 2 ? connections : 2 ))
key=bk_bench_demo_key_0123456789
secret=whsec_bench_webhooks_0123456789abcdef
port=5093
source bench/common.sh
rm -f "$out"/webhooks-events-* "$out"/pgbench-log*
require_tools wrk pgbench psql python3
[[ -n ${BENCH_NO_PGBENCH:-}${BENCH_NO_ANCHOR:-} ]] || require_tools node npm
profile=${BENCH_PERF:-}
[[ -z $profile ]] || require_tools perf
build_release silo/OrleansBilling.Silo.csproj
start_postgres webhooks

[[ -z $profile ]] || export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0

dotnet silo/bin/Release/net10.0/OrleansBilling.Silo.dll --urls http://127.0.0.1:$port \
  "--ConnectionStrings:Billing=$connection_string" --Billing:Sandbox:Enabled=true \
  --Stripe:WebhookSecret=$secret --Billing:Demo:ApiKey=$key --Billing:Demo:Enabled=true \
  --Orleans:AdvertisedIP=127.0.0.1 --Orleans:ClusterId=bench-webhooks-$$ ${BENCH_SILO_ARGS:-} \
  --Logging:LogLevel:Default=Warning >"$out/webhooks-silo.log" 2>&1 &
silo=$!
pids+=($silo)
wait_for http://127.0.0.1:$port/health/ready "the silo"
base=http://127.0.0.1:$port
webhook_url=$base/webhooks/stripe

# N customers with a paid checkout: a real subscription in the sandbox, an Active grain on PostgreSQL.
echo "creating $customers customers with a paid checkout"
python3 bench/webhooks.py setup "$base" "$key" "$customers" "$out/webhooks-subscriptions.jsonl"
if [[ -n ${BENCH_HOOKS:-} ]]; then source "$BENCH_HOOKS"; fi
if declare -F after_setup >/dev/null; then after_setup; fi

events_kind=${BENCH_EVENTS:-subscriptions}
objects=$out/webhooks-subscriptions.jsonl
[[ $events_kind == subscriptions ]] || objects=$out/webhooks-subscriptions.jsonl.invoices
send() { # name, prefix, events, seconds, [wrk options]
  local name=$1 prefix=$2 events=$3 seconds=$4; shift 4
  # Signed just before the run: Stripe's tolerance is 300 s.
  python3 bench/webhooks.py sign "$objects" "$secret" "$events" "$prefix" $threads "$out/webhooks-events-$name" "$events_kind" "${first_event:-0}"
  local TIMEFORMAT='%U %S'
  { time wrk -t$threads -c$connections -d${seconds}s "$@" -s bench/webhooks.lua "$webhook_url" -- "$out/webhooks-events-$name" >"$out/webhooks-$name.txt"; } 2>"$out/webhooks-$name.cpu"
  rm -f "$out/webhooks-events-$name".*
  if grep -q 'Events exhausted' "$out/webhooks-$name.txt"; then
    echo "the $name run sent more requests than it had events: $(grep 'Events exhausted' "$out/webhooks-$name.txt")" >&2; exit 1
  fi
}
rps() { awk '/Requests\/sec/ {print $2}' "$out/webhooks-$1.txt"; }
wrk_p99() { awk '$1 == "99%" {print $2}' "$out/webhooks-$1.txt"; }

# Warm-up (JIT, tiered compilation, pools, every subscription grain once more), then enough fresh
# events for the measured run: three times what the warm-up rate needs.
send warmup benchw 80000 $warmup
first_event=80000
events=$(awk -v r="$(rps warmup)" -v d="$duration" 'BEGIN { printf "%d", r * d * 3 + 20000 }')
# Statistics, as a database in service has them: tables that grew from empty during the warm-up would otherwise keep
# the plans made for them empty (the event deliveries' record statement then read every delivery of its endpoint).
psql -q -c ANALYZE
psql -q -c CHECKPOINT
if declare -F after_warmup >/dev/null; then after_warmup; fi
silo_before=$(cpu_seconds $silo); pg_before=$(postgres_cpu); busy_before=$(machine_busy)
send service benchm "$events" "$duration" --latency
silo_after=$(cpu_seconds $silo); pg_after=$(postgres_cpu); busy_after=$(machine_busy)
cat "$out/webhooks-service.txt"

# Every answered event is in the inbox with an outcome.
outcomes=$(psql -At -F ' ' -c "SELECT coalesce(outcome, 'none'), count(*) FROM billing.stripe_events WHERE id LIKE 'evt_benchm%' GROUP BY 1 ORDER BY 2 DESC" | paste -sd ',' | sed 's/,/, /g')
unfinished=$(psql -At -c "SELECT count(*) FROM billing.stripe_events WHERE id LIKE 'evt_benchm%' AND outcome IS NULL")
answered=$(awk '/requests in/ {print $1}' "$out/webhooks-service.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/webhooks-service.txt"); non2xx=${non2xx:-0}
socket_errors=$(awk '/Socket errors/ {sub(/^ *Socket errors: */, ""); print}' "$out/webhooks-service.txt")
wrk_cpu=$(awk '{print $1 + $2}' "$out/webhooks-service.cpu")
service_others=$(others "$busy_before" "$busy_after" "$(awk -v a="$silo_after" -v b="$silo_before" -v p="$pg_after" -v q="$pg_before" -v w="$wrk_cpu" 'BEGIN { print a - b + p - q + w }')")
service_cpu="silo $(per_event "$silo_before" "$silo_after" "$answered") ms, PostgreSQL $(per_event "$pg_before" "$pg_after" "$answered") ms, wrk $(per_event 0 "$(awk '{print $1 + $2}' "$out/webhooks-service.cpu")" "$answered") ms"
echo "inbox rows of the measured run by outcome: $outcomes"
# How far the reporting projector is behind when the measured run ends (subscriptions whose version it has not computed),
# and with BENCH_WAIT_REPORTED, how long it takes to catch up and what the whole run cost per event with that work.
unreported() { psql -At -c "SELECT count(*) FROM billing.subscriptions WHERE reported_version IS DISTINCT FROM version"; }
echo "unreported subscriptions at the end: $(unreported)"
if [[ -n ${BENCH_WAIT_REPORTED:-} ]]; then
  waited=0
  while (( $(unreported) > 0 && waited < 120 )); do sleep 1; waited=$((waited + 1)); done
  echo "caught up after: ${waited} s; CPU time per event with it: silo $(per_event "$silo_before" "$(cpu_seconds $silo)" "$answered") ms, PostgreSQL $(per_event "$pg_before" "$(postgres_cpu)" "$answered") ms"
fi
echo "history rows: $(psql -At -c "SELECT count(*) FROM billing.subscription_history")"
split=""
if [[ -n $profile ]]; then
  # A run of its own: perf takes CPU time of its own, which must not lower the measured figures. (The perf map and
  # W^X off apply to the whole silo, the measured runs too: their figures then run lower and are not comparable.)
  first_event=$((first_event + events))
  send perf benchp "$events" 15 &
  # The events are signed first, which takes a while: perf records once wrk sends them.
  until pgrep -x wrk >/dev/null; do sleep 0.2; done
  sleep 2
  perf record -q -F 499 -g -p $silo -o "$out/webhooks-silo.perf" -- sleep 11 >/dev/null 2>&1
  wait $!
  perf script -i "$out/webhooks-silo.perf" 2>/dev/null | python3 bench/perf-split.py webhooks >"$out/webhooks-silo.split"
  split="Silo CPU by part (perf, 11 s of a 15 s run after the measured one): $(head -10 "$out/webhooks-silo.split" | sed 's/^ *//; s/ %  / % /' | paste -sd ';' | sed 's/;/; /g')."
  echo "$split"
fi
if declare -F after_run >/dev/null; then after_run; fi
kill "$silo"; wait "$silo" 2>/dev/null || true
if [[ -n ${BENCH_NO_PGBENCH:-} ]]; then
  echo "| service: | $(rps service) | $(wrk_p99 service) | p50 $(awk '$1 == "50%" {print $2}' "$out/webhooks-service.txt") |"
  echo "CPU time per event: $service_cpu"
  exit 0
fi

# pgbench: the inbox insert and the grain-state write of the same database, one per transaction.
psql -q <<SQL
CREATE SCHEMA bench;
CREATE TABLE bench.grain_rows AS
  SELECT row_number() OVER (ORDER BY GrainIdExtensionString) AS n,
         GrainIdHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString
  FROM orleans.OrleansStorage
  WHERE GrainTypeString = 'subscription' AND GrainIdExtensionString LIKE 'demo/bench_wh_%';
ALTER TABLE bench.grain_rows ADD PRIMARY KEY (n);
ANALYZE bench.grain_rows;
SQL
grain_rows=$(psql -At -c "SELECT count(*) FROM bench.grain_rows")
python3 bench/webhooks.py sign "$out/webhooks-subscriptions.jsonl" "$secret" 1 p 1 "$out/webhooks-events-pgbench"
python3 bench/webhooks.py pgbench-script "$out/webhooks-events-pgbench.0" "$out/webhooks-pgbench.sql"
rm -f "$out/webhooks-events-pgbench.0"
pgbench_run() { pgbench -n -M simple -c $connections -j $threads -D bench_rows="$grain_rows" -f "$out/webhooks-pgbench.sql" "$@"; }
pgbench_run -T $warmup >/dev/null 2>&1
psql -q -c CHECKPOINT
pg_before=$(postgres_cpu); busy_before=$(machine_busy)
TIMEFORMAT='%U %S'
{ time pgbench_run -T "$duration" --log --log-prefix="$out/pgbench-log" >"$out/webhooks-pgbench.txt" 2>&1; } 2>"$out/webhooks-pgbench.cpu"
pg_after=$(postgres_cpu); busy_after=$(machine_busy)
cat "$out/webhooks-pgbench.txt"
pg_tps=$(awk '/^tps/ {printf "%.2f", $3; exit}' "$out/webhooks-pgbench.txt")
pg_count=$(awk '/number of transactions actually processed/ {print $NF}' "$out/webhooks-pgbench.txt")
pgbench_others=$(others "$busy_before" "$busy_after" "$(awk -v p="$pg_after" -v q="$pg_before" -v c="$(awk '{print $1 + $2}' "$out/webhooks-pgbench.cpu")" 'BEGIN { print p - q + c }')")
pgbench_cpu="PostgreSQL $(per_event "$pg_before" "$pg_after" "$pg_count") ms, pgbench $(per_event 0 "$(awk '{print $1 + $2}' "$out/webhooks-pgbench.cpu")" "$pg_count") ms"
pg_p99=$(python3 bench/webhooks.py percentile 99 "$out"/pgbench-log*)
pg_failed=$(awk '/number of failed transactions/ {print $5}' "$out/webhooks-pgbench.txt")

# The stack the service replaces (../shared/anchors/fastify-webhooks: Node, Fastify and pg, one transaction per event:
# the event row and the subscription's upsert), on the same database with the same kind of events, installed from its
# lockfile into a temporary directory. BENCH_NO_ANCHOR=1 leaves it out.
anchor_row=""
if [[ -z ${BENCH_NO_ANCHOR:-} ]]; then
  anchor_dir=$(mktemp -d)
  cp ../shared/anchors/fastify-webhooks/{server.js,package.json,package-lock.json} "$anchor_dir"/
  (cd "$anchor_dir" && npm ci --silent --no-audit --no-fund >/dev/null)
  anchor_port=$(free_port)
  DATABASE_URL="postgres://${PGUSER:-postgres}${PGPASSWORD:+:$PGPASSWORD}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$database" \
    WEBHOOK_SECRET=$secret PORT=$anchor_port node "$anchor_dir/server.js" >"$out/webhooks-anchor.log" 2>&1 &
  anchor=$!
  pids+=($anchor)
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$anchor_port/" && break; sleep 0.1; done
  webhook_url=http://127.0.0.1:$anchor_port/webhooks/stripe
  first_event=0
  send anchor-warmup anchw 80000 $warmup
  psql -q -c CHECKPOINT
  anchor_before=$(cpu_seconds $anchor); pg_before=$(postgres_cpu)
  send anchor ancm "$(awk -v r="$(rps anchor-warmup)" -v d="$duration" 'BEGIN { printf "%d", r * d * 3 + 20000 }')" "$duration" --latency
  anchor_after=$(cpu_seconds $anchor); pg_after=$(postgres_cpu)
  kill "$anchor"; wait "$anchor" 2>/dev/null || true
  rm -rf "$anchor_dir"
  cat "$out/webhooks-anchor.txt"
  anchor_answered=$(awk '/requests in/ {print $1}' "$out/webhooks-anchor.txt")
  anchor_non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/webhooks-anchor.txt")
  anchor_rows=$(psql -At -c "SELECT count(*) FROM fb_events WHERE id LIKE 'evt_ancm%'")
  anchor_ratio=$(awk -v s="$(rps service)" -v a="$(rps anchor)" 'BEGIN { printf "%.2f", (a > 0 ? s / a : 0) }')
  anchor_row="| Fastify anchor: the same \`POST /webhooks/stripe\` (Node, Fastify, pg; \`wrk -t$threads -c$connections -d${duration}s\`, requests/s) | $(rps anchor) | $(wrk_p99 anchor) |"
  anchor_text="Service / Fastify anchor: **${anchor_ratio}×** (goal: at least 2×, with a p99 no higher than the anchor's). The anchor answered $anchor_answered, non-2xx: ${anchor_non2xx:-0}, rows of its measured run in \`fb_events\`: $anchor_rows; CPU time per event: node $(per_event "$anchor_before" "$anchor_after" "$anchor_answered") ms, PostgreSQL $(per_event "$pg_before" "$pg_after" "$anchor_answered") ms."
fi

ratio=$(awk -v s="$(rps service)" -v p="$pg_tps" 'BEGIN { printf "%.2f", s / p }')
goal=$(awk -v r="$ratio" -v l="$(wrk_p99 service)" 'BEGIN {
  ms = l; if (l ~ /us$/) ms = l / 1000; else if (l ~ /ms$/) ms = l + 0; else if (l ~ /s$/) ms = l * 1000;
  print (r >= 0.5 ? "met" : "missed") " (ratio), " (ms < 20 ? "met" : "missed") " (p99)" }')

table=$(cat <<TABLE
Measured $(date -u +%Y-%m-%d) on this project's machine ($(nproc) cores, shared by the silo, PostgreSQL
and wrk or pgbench), $customers customers, $connections connections for ${duration} s after a ${warmup} s warm-up
of each, one after the other; a CHECKPOINT before each measured run. Release build, logging at Warning.
PostgreSQL on loopback: $pg_settings.
The machine is shared: CPU time of other processes during the measured runs (of $(nproc) × ${duration} s): $service_others s beside the service, $pgbench_others s beside pgbench.

| what | per second | p99 latency |
|---|---|---|
| pgbench: inbox insert + grain-state update (\`-c$connections -j$threads -T$duration\`, tps) | $pg_tps | $pg_p99 |
| service: \`POST /webhooks/stripe\`, signed \`customer.subscription.updated\` (\`wrk -t$threads -c$connections -d${duration}s\`, requests/s) | $(rps service) | $(wrk_p99 service) |
$anchor_row

Ratio service / pgbench: **$ratio** (goal: at least 0.5, p99 under 20 ms: $goal).
Answers: $answered in ${duration} s, non-2xx: $non2xx${socket_errors:+, socket errors: $socket_errors}; pgbench failed transactions: ${pg_failed:-0}.
Inbox rows of the measured run by outcome: $outcomes; without an outcome: $unfinished.
CPU time per event: $service_cpu; per pgbench transaction: $pgbench_cpu.
${anchor_text:-}
${split}
TABLE
)
# BENCH_SILO_ARGS (more silo options) and BENCH_NO_README (figures printed only) let another script compare runs.
# A paced run (BENCH_THINK_MS) is an experiment: its rate is not the service's.
[[ -n ${BENCH_NO_README:-}${BENCH_THINK_MS:-} ]] || write_section webhooks "$table"
echo "$table"
