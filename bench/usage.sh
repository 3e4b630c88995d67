#!/usr/bin/env bash
# Benchmark: POST /v1/usage with batches of 100 new usage events, the silo on a durable PostgreSQL
# with the Stripe sandbox, for two ways of spreading a batch over customers. Counts the events
# answered as accepted, checks that each of them is a row of billing.usage_events, and writes the
# figures into bench/README.md.
# Needs wrk, psql, python3 and the PostgreSQL server binaries (initdb, pg_ctl), or BENCH_POSTGRES
# (see bench/common.sh). UsageJournal__* environment variables reach the silo's configuration.
# BENCH_PERF=1 also profiles the silo with perf during a third run of each spread, after the measured
# one, and splits its CPU time by part (bench/perf-split.py); the silo then runs with a perf map and
# without W^X. BENCH_PGSS=1 loads pg_stat_statements into the throwaway PostgreSQL, empties it before
# each measured run and writes the statements that took most of PostgreSQL's time in it.
# Usage: bench/usage.sh [seconds, default 20] [customers, default 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
customers=${2:-1000}
warmup=15
# The first warm-up is longer: it takes every customer (the basic plan: 1,000 api_calls a period) past its usage
# alerts at 80% and 100%, each a subscription revision (history, read model, an event to the product). A customer
# crosses them twice a month; here all 1000 would cross them at once, inside the first measured run.
first_warmup=35
connections=32
threads=2
batch=100
spreads=(10 100) # distinct customers per batch: 10 customers × 10 events, then 100 customers × 1 event
key=bk_bench_demo_key_0123456789
port=5094
source bench/common.sh
require_tools wrk psql python3
profile=${BENCH_PERF:-}
[[ -z $profile ]] || require_tools perf
build_release silo/OrleansBilling.Silo.csproj
# Room for the silo's two connection pools (Npgsql's default of 100 each: the billing data source,
# and Orleans' storage, reminders and clustering) and for psql beside them.
BENCH_PG_OPTIONS="-c max_connections=300 ${BENCH_PG_OPTIONS:-}"
pgss=${BENCH_PGSS:-}
[[ -z $pgss ]] || BENCH_PG_OPTIONS+=" -c shared_preload_libraries=pg_stat_statements"
start_postgres usage

[[ -z $profile ]] || export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
dotnet silo/bin/Release/net10.0/OrleansBilling.Silo.dll --urls http://127.0.0.1:$port \
  "--ConnectionStrings:Billing=$connection_string" --Billing:Sandbox:Enabled=true \
  --Billing:Demo:ApiKey=$key --Billing:Demo:Enabled=true \
  --Orleans:AdvertisedIP=127.0.0.1 --Orleans:ClusterId=bench-usage-$$ \
  --Logging:LogLevel:Default=Warning >"$out/usage-silo.log" 2>&1 &
silo=$!
pids+=($silo)
wait_for http://127.0.0.1:$port/health/ready "the silo"
base=http://127.0.0.1:$port

# N customers with a paid checkout: usage is accepted only within an active subscription's period.
echo "creating $customers customers with a paid checkout"
python3 bench/customers.py "$base" "$key" "$customers" bench_us_

send() { # name, spread, seconds, [wrk options]
  local name=$1 spread=$2 seconds=$3; shift 3
  local TIMEFORMAT='%U %S'
  { time wrk -t$threads -c$connections -d${seconds}s --timeout 10s "$@" -H "Authorization: Bearer $key" \
      -s bench/usage.lua "$base/v1/usage" -- "$name" "$customers" bench_us_ "$spread" $batch >"$out/usage-$name.txt"; } 2>"$out/usage-$name.cpu"
}
# Usage still to forward to Stripe: the grains send it in batches of 100, 15 s after it arrives or once 100 wait.
# Each subscription's cursor (billing.usage_forwarded) says how far Stripe has its usage.
unsent() { psql -At -c "SELECT count(*) FROM billing.usage_events e LEFT JOIN billing.usage_forwarded f USING (product_id, customer_id) WHERE e.seq > coalesce(f.sent_through, 0)"; }
drain() {
  for _ in $(seq 1 120); do [[ $(unsent) == 0 ]] && return 0; sleep 1; done
  echo "usage was still unsent 120 s after the run: $(unsent) events" >&2
}
rows_of() { psql -At -c "SELECT count(*) FROM billing.usage_events WHERE idempotency_key LIKE '$1-%'"; }
answers() { sed -n 's/^Usage answers: 200 \([0-9]*\), other \([0-9]*\);.*/\1 × 200, \2 other/p' "$out/usage-$1.txt"; }
counted() { sed -n "s/.*[ ,]$2 \([0-9]*\).*/\1/p" "$out/usage-$1.txt"; } # name, accepted|duplicates|rejected

# The statements of the measured run that took most of PostgreSQL's time (BENCH_PGSS=1).
statements() {
  psql -At -F ' | ' -c "SELECT calls, round((total_exec_time / calls)::numeric, 2), rows, round(total_exec_time::numeric / 1000, 1),
      regexp_replace(left(query, 110), '\s+', ' ', 'g') FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 10" | sed 's/^/| /; s/$/ |/'
}

rows=""
splits=""
for spread in "${spreads[@]}"; do
  per=$((batch / spread))
  name=m$spread
  shape="$spread customers × $per event"
  ((per == 1)) || shape+=s
  this_warmup=$warmup
  [[ $spread != "${spreads[0]}" ]] || this_warmup=$first_warmup
  echo "batches of $shape: ${this_warmup} s warm-up, ${duration} s measured"
  send w$spread "$spread" $this_warmup
  drain
  psql -q -c CHECKPOINT
  [[ -z $pgss ]] || psql -q -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
  sent_before=$(( $(psql -At -c "SELECT count(*) FROM billing.usage_events") - $(unsent) ))
  silo_before=$(cpu_seconds $silo); pg_before=$(postgres_cpu); busy_before=$(machine_busy)
  send $name "$spread" "$duration" --latency
  silo_after=$(cpu_seconds $silo); pg_after=$(postgres_cpu); busy_after=$(machine_busy)
  sent_after=$(( $(psql -At -c "SELECT count(*) FROM billing.usage_events") - $(unsent) ))
  cat "$out/usage-$name.txt"
  if [[ -n $pgss ]]; then
    splits+="PostgreSQL's statements in the measured run ($shape), by time spent:"$'\n\n'"| calls | ms a call | rows | s in all | statement |"$'\n'"|---|---|---|---|---|"$'\n'"$(statements)"$'\n\n'
  fi
  sleep 2 # the requests wrk left unanswered at its deadline still finish
  accepted=$(counted $name accepted)
  stored=$(rows_of $name)
  forwarded=$((sent_after - sent_before))
  # An acknowledged event is durable: every one must be a row. Rows may exceed the answers by the
  # batches still in flight when wrk stopped counting (at most one per connection).
  if ((stored < accepted)); then
    echo "only $stored rows of $name for $accepted events answered as accepted" >&2; exit 1
  fi
  wrk_cpu=$(awk '{print $1 + $2}' "$out/usage-$name.cpu")
  ours=$(awk -v a="$silo_after" -v b="$silo_before" -v p="$pg_after" -v q="$pg_before" -v w="$wrk_cpu" 'BEGIN { print a - b + p - q + w }')
  us() { awk -v a="$1" -v b="$2" -v n="$accepted" 'BEGIN { printf "%.0f", (b - a) * 1e6 / n }'; }
  rows+="| $shape | $(awk -v n="$accepted" -v d="$duration" 'BEGIN { printf "%.0f", n / d }') | $(awk '/Requests\/sec/ {print $2}' "$out/usage-$name.txt") | $(awk '$1 == "99%" {print $2}' "$out/usage-$name.txt") | $(answers $name) | $accepted, $(counted $name rejected), $(counted $name duplicates) | $stored | $forwarded | silo $(us "$silo_before" "$silo_after"), PostgreSQL $(us "$pg_before" "$pg_after"), wrk $(us 0 "$wrk_cpu") | $(others "$busy_before" "$busy_after" "$ours") s |"$'\n'
  if [[ -n $profile ]]; then
    # A run of its own: perf takes CPU time of its own, which must not lower the measured figures. (The perf map and
  # W^X off apply to the whole silo, the measured runs too: their figures then run lower and are not comparable.)
    send p$spread "$spread" 15 &
    sleep 2
    perf record -q -F 499 -g -p $silo -o "$out/usage-$name.perf" -- sleep 11 >/dev/null 2>&1
    wait $!
    perf script -i "$out/usage-$name.perf" 2>/dev/null | python3 bench/perf-split.py >"$out/usage-$name.split"
    splits+="Silo CPU by part (perf, 11 s of a 15 s run after the measured one, $shape): $(head -8 "$out/usage-$name.split" | sed 's/^ *//; s/ %  / % /' | paste -sd ';' | sed 's/;/; /g')."$'\n'
  fi
  drain
done

rate_of() { sed -n "s/^| $1 customers × [0-9]* events\{0,1\} | \([0-9]*\) .*/\1/p" <<<"$rows"; }
best=$(printf '%s\n' "${spreads[@]}" | while read -r s; do rate_of "$s"; done | sort -n | tail -1)
journal=$(env | sed -n 's/^UsageJournal__\(.*\)/\1/p' | paste -sd ',' | sed 's/,/, /g')

table=$(cat <<TABLE
Measured $(date -u +%Y-%m-%d) on this project's machine ($(nproc) cores, shared by the silo with its sandbox, PostgreSQL
and wrk), $customers customers with a paid checkout, batches of $batch new events (\`api_calls\` 1–5, every tenth
\`projects\` 1–20, timestamped now), wrk -t$threads -c$connections for ${duration} s after a warm-up (${first_warmup} s for the first, which takes every customer past its usage alerts; ${warmup} s after), per distribution,
one after the other on the same silo; usage forwarding drained and a CHECKPOINT before each measured run.
Release build, logging at Warning, usage journal ${journal:-as configured by default (Writers 2, MaxRowsPerRound 5000, QueueCapacity 10000)}.
PostgreSQL on loopback: $pg_settings.

| batch spread over | events/s acknowledged | requests/s | p99 | answers | events accepted, rejected, duplicate | rows stored | forwarded to Stripe in the run | CPU per event (µs) | CPU of other processes |
|---|---|---|---|---|---|---|---|---|---|
${rows%$'\n'}

Best: **$best events/s** acknowledged durably (goal: at least 50,000).
"Rows stored" counts the run's rows in \`billing.usage_events\`: never fewer than the events answered as accepted,
more by the batches still in flight at wrk's deadline. CPU of other processes: time the machine spent outside the
silo, PostgreSQL and wrk during the measured run (of $(nproc) × ${duration} s).
${splits%$'\n'}
TABLE
)
write_section usage "$table"
echo "$table"
