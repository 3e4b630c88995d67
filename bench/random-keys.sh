#!/usr/bin/env bash
# Benchmark: requests with random bearer keys against the silo on PostgreSQL (issue 10 §2). A key the
# service does not know must cost no grain activation and no database read: the silo's memory stays
# flat and PostgreSQL sees no more transactions than when idle. Valid keys' throughput is measured
# before and after the flood on the same silo. Writes the figures into bench/README.md.
# Needs wrk, psql and python3. Usage: bench/random-keys.sh [duration, default 20s]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
connections=32
threads=2
key=bk_bench_demo_key_0123456789
port=5095
source bench/common.sh
require_tools wrk psql python3
build_release silo/OrleansBilling.Silo.csproj
start_postgres random_keys

# The failed-attempt allowance (Billing:FailedAttempts) is raised out of the way, so every random key
# reaches the key lookup and is answered 401: the worst case for the lookup, not the 429 path.
dotnet silo/bin/Release/net10.0/OrleansBilling.Silo.dll --urls http://127.0.0.1:$port \
  "--ConnectionStrings:Billing=$connection_string" --Billing:Sandbox:Enabled=true \
  --Billing:Demo:ApiKey=$key --Billing:Demo:Enabled=true \
  --Billing:FailedAttempts:Burst=100000 --Billing:FailedAttempts:Refill=100000 \
  --Orleans:AdvertisedIP=127.0.0.1 --Orleans:ClusterId=bench-keys-$$ \
  --Logging:LogLevel:Default=Warning >"$out/random-keys-silo.log" 2>&1 &
silo=$!
pids+=($silo)
wait_for http://127.0.0.1:$port/health/ready "the silo"
url=http://127.0.0.1:$port/v1/customers/bench_key_1/entitlements
curl -sf -o /dev/null -H "Authorization: Bearer $key" "$url" || { echo "the valid key was refused" >&2; exit 1; }

rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$silo/status"; }
xacts() { psql -At -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"; }
seconds=${duration%s}
valid() { # name
  wrk -t$threads -c$connections -d"$duration" --latency -H "Authorization: Bearer $key" "$url" >"$out/random-keys-$1.txt"
}
rps() { awk '/Requests\/sec/ {print $2}' "$out/random-keys-$1.txt"; }
p99() { awk '$1 == "99%" {print $2}' "$out/random-keys-$1.txt"; }

wrk -t$threads -c$connections -d10s -H "Authorization: Bearer $key" "$url" >/dev/null   # warm-up
valid valid-before

# What the cluster does on its own (membership, reminders, the journal's flush) over the same time.
idle_before=$(xacts); sleep "$seconds"; idle=$(( $(xacts) - idle_before ))

rss_before=$(rss_mb)
xacts_before=$(xacts)
wrk -t$threads -c$connections -d"$duration" --latency -s bench/random-keys.lua "$url" >"$out/random-keys-flood.txt"
flood_xacts=$(( $(xacts) - xacts_before ))
rss_after=$(rss_mb)
requests=$(awk '/requests in/ {print $1}' "$out/random-keys-flood.txt")
non_401=$(awk '/Non-2xx/ {print $NF}' "$out/random-keys-flood.txt")
[[ ${non_401:-0} == "$requests" ]] || { echo "not every random key was refused: $requests requests, ${non_401:-0} non-2xx" >&2; exit 1; }
sleep 2
rss_settled=$(rss_mb)
valid valid-after

table=$(cat <<TABLE
Measured $(date -u +%Y-%m-%d) on this project's machine ($(nproc) cores; wrk, the silo and PostgreSQL share them), Release build,
the silo on PostgreSQL ($pg_settings), wrk -t$threads -c$connections -d$duration. Every flood request carries a new random key
\`bk_\` + 32 characters (\`bench/random-keys.lua\`); the failed-attempt allowance is raised so all of them reach the key lookup.

| | figure |
|---|---|
| random-key requests (all answered 401) | $requests ($(rps flood)/s, p99 $(p99 flood)) |
| silo memory (RSS) before → right after → 2 s later | $rss_before MB → $rss_after MB → $rss_settled MB (**$((rss_after - rss_before)) MB**; goal ±50 MB) |
| PostgreSQL transactions during the flood / idle over the same $duration | $flood_xacts / $idle (**$((flood_xacts - idle)) more than idle**; goal 0) |
| valid key, same silo, before the flood | $(rps valid-before) requests/s, p99 $(p99 valid-before) |
| valid key, same silo, after the flood | $(rps valid-after) requests/s, p99 $(p99 valid-after) |

Before issue 10 the same kind of flood (219,648 random keys in 20 s) took the silo from 204 to 926 MB, and on
PostgreSQL 28,463 such requests caused 50,343 transactions: each unknown key activated a lookup grain that read its state.
TABLE
)
write_section random-keys "$table"
echo "$table"
