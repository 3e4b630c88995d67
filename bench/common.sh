# Shared by the benchmark scripts (sourced, not run): processes to stop on exit, a throwaway
# PostgreSQL with production durability, CPU time from /proc, and writing figures into README.md.
# Expects to be sourced from the repository root with `set -euo pipefail`.

out=bench/out
mkdir -p "$out"
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

require_tools() { # tools...
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (Debian packages wrk, postgresql-client, python3)" >&2; exit 2; }
  done
}

# Release builds, once per run of bench/run-all.sh (which sets BENCH_BUILT).
build_release() { # projects...
  [[ -n ${BENCH_BUILT:-} ]] && return 0
  local project
  for project in "$@"; do dotnet build -c Release -v q --nologo "$project"; done
}

pids=()
pg_dir=""
database=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -n $pg_dir ]]; then
    # BENCH_KEEP_PG_LOG=<file> keeps the throwaway server's log (with auto_explain in BENCH_PG_OPTIONS: slow plans).
    [[ -n ${BENCH_KEEP_PG_LOG:-} && -f $pg_dir/server.log ]] && cp "$pg_dir/server.log" "$BENCH_KEEP_PG_LOG"
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 \
      || "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  elif [[ -n $database ]]; then
    psql -q -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

wait_for() { # url, what
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "$2 did not come up" >&2; exit 1
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# CPU seconds of processes and their reaped children (utime+stime+cutime+cstime of /proc/PID/stat).
cpu_seconds() { # pids...
  local pid ticks=0
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] && ticks=$((ticks + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13 + $14 + $15}')))
  done
  awk -v t=$ticks -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
# The local server's postmaster with every backend (exited backends count in the postmaster's cutime).
postgres_cpu() {
  [[ -n $pg_dir ]] || { echo 0; return; }
  local postmaster; postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
  cpu_seconds "$postmaster" $(pgrep -P "$postmaster")
}
# CPU seconds the whole machine spent in processes (user, nice and system time of /proc/stat).
machine_busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4) / hz }' /proc/stat; }
others() { awk -v b="$1" -v a="$2" -v o="$3" 'BEGIN { x = a - b - o; printf "%.1f", x < 0 ? 0 : x }'; } # busy before, after, ours → s
per_event() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f", (b - a) * 1000 / n }'; } # before, after, count → ms

# PostgreSQL: a throwaway server with production durability, or a new database on BENCH_POSTGRES
# (an Npgsql connection string: Host, Port, Username, Password). Sets PGHOST, PGPORT, PGUSER,
# PGDATABASE, connection_string and pg_settings (a sentence for README.md). Dropped on exit.
# BENCH_PG_OPTIONS adds server options to the throwaway server, for experiments (e.g.
# "-c shared_preload_libraries=pg_stat_statements"); README.md then says what was changed.
start_postgres() { # name (of the database on BENCH_POSTGRES, and of the temporary directory)
  local name=$1
  pg_settings="PostgreSQL 15 defaults: fsync=on, synchronous_commit=on, full_page_writes=on, wal_sync_method=fdatasync, shared_buffers=128MB; max_connections=200"
  if [[ -n ${BENCH_POSTGRES:-} ]]; then
    eval "$(python3 - "$BENCH_POSTGRES" <<'PY'
import shlex, sys
keys = {"host": "PGHOST", "server": "PGHOST", "port": "PGPORT", "username": "PGUSER", "user id": "PGUSER",
        "userid": "PGUSER", "user": "PGUSER", "password": "PGPASSWORD"}
for part in sys.argv[1].split(";"):
    name, _, value = part.partition("=")
    if name.strip().lower() in keys:
        print(f"export {keys[name.strip().lower()]}={shlex.quote(value.strip())}")
PY
)"
    database=bench_${name}_$$
    psql -q -d postgres -c "CREATE DATABASE $database" >/dev/null
    pg_settings="the server of BENCH_POSTGRES ($(psql -At -d postgres -c "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers')"))"
  else
    pg_dir=$(mktemp -d "/tmp/bench-$name-pg.XXXXXX")
    local as_postgres=()
    if [[ $(id -u) == 0 ]]; then chown postgres:postgres "$pg_dir"; as_postgres=(runuser -u postgres --); fi
    "${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
    export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
    PGPORT=$(free_port)
    "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
      -o "-p $PGPORT -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200 ${BENCH_PG_OPTIONS:-}" start >/dev/null
    [[ -n ${BENCH_PG_OPTIONS:-} ]] && pg_settings+="; changed for this run: $BENCH_PG_OPTIONS"
    database=billing
    psql -q -d postgres -c "CREATE DATABASE $database" >/dev/null
  fi
  export PGDATABASE=$database
  connection_string="Host=${PGHOST:-127.0.0.1};Port=${PGPORT:-5432};Username=${PGUSER:-postgres};Database=$database"
  [[ -n ${PGPASSWORD:-} ]] && connection_string+=";Password=$PGPASSWORD"
  return 0
}

# Replaces what README.md holds between <!-- name:begin --> and <!-- name:end -->.
write_section() { # name, text
  python3 - "$1" "$2" <<'PY'
import re, sys
path = "bench/README.md"
text = open(path).read()
start, end = f"<!-- {sys.argv[1]}:begin -->", f"<!-- {sys.argv[1]}:end -->"
if start not in text or end not in text:
    raise SystemExit(f"{path} has no {start} … {end} markers")
text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: start + "\n" + sys.argv[2] + "\n" + end, text, flags=re.S)
open(path, "w").write(text)
PY
}
