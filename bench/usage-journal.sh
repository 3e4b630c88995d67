#!/usr/bin/env bash
# Benchmark: the PostgreSQL usage journal (group commit) acknowledging usage events durably, with
# many callers appending small batches at once; and one round written as unnest(...) against
# binary COPY. Writes the figures into bench/README.md.
# Needs the PostgreSQL server binaries (initdb, pg_ctl) and python3 (for a free port).
# Usage: bench/usage-journal.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
out=bench/out
mkdir -p "$out"

dotnet build -c Release -v q --nologo bench/UsageJournal/OrleansBilling.Bench.UsageJournal.csproj
bench_dll=bench/UsageJournal/bin/Release/net10.0/OrleansBilling.Bench.UsageJournal.dll

# A throwaway server with PostgreSQL's defaults, so commits are durable as in production.
pg_dir=$(mktemp -d /tmp/bench-usage-pg.XXXXXX)
as_postgres=()
if [[ $(id -u) == 0 ]]; then chown postgres:postgres "$pg_dir"; as_postgres=(runuser -u postgres --); fi
cleanup() {
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
"${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
export BENCH_POSTMASTER_PID; BENCH_POSTMASTER_PID=$(head -1 "$pg_dir/data/postmaster.pid")
psql_() { "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
settings=$(psql_ -d postgres -c "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', full_page_writes=' || current_setting('full_page_writes') || ', wal_sync_method=' || current_setting('wal_sync_method')")

run() { # name, mode, arguments...
  local name=$1; shift
  psql_ -d postgres -c "CREATE DATABASE $name"
  local cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=$name"
  local mode=$1; shift
  psql_ -d postgres -c CHECKPOINT
  dotnet "$bench_dll" "$mode" "$cs" "$@" | tee -a "$out/usage-journal.txt"
}

: >"$out/usage-journal.txt"
run rounds_100 rounds 100 "$duration"
run rounds_2000 rounds 2000 "$duration"
run journal_16_1 journal 16 10 20 1 "$duration"
run journal_16_2 journal 16 10 20 2 "$duration"
run journal_64_2 journal 64 10 20 2 "$duration"
run journal_256_2 journal 256 10 20 2 "$duration"

figures=$(cat <<TABLE
Measured $(date -u +%Y-%m-%d) on this project's machine ($(nproc) cores, shared by the benchmark and
PostgreSQL), ${duration} s per run after a 5 s warm-up, Release build, a fresh database per run.
PostgreSQL 15 on loopback with its defaults: $settings.
Rows are usage events, each with a unique key over 10,000 customers. "rounds" writes one round
after another on one connection, as one unnest(...) statement or as binary COPY into a temporary
table plus INSERT ... SELECT; "journal" runs are callers that each append 10–20 rows and wait for
the answer before the next append. CPU per row is PostgreSQL's (postmaster and backends) and the
benchmark process's; "others" is what the rest of the shared machine used meanwhile.

\`\`\`
$(cat "$out/usage-journal.txt")
\`\`\`
TABLE
)
python3 - "$figures" <<'PY'
import re, sys
path = "bench/README.md"
text = open(path).read()
block = "<!-- usage-journal:begin -->\n" + sys.argv[1] + "\n<!-- usage-journal:end -->"
text = re.sub(r"<!-- usage-journal:begin -->.*<!-- usage-journal:end -->", lambda _: block, text, flags=re.S)
open(path, "w").write(text)
PY
