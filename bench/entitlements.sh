#!/usr/bin/env bash
# Benchmark: GET /v1/customers/{id}/entitlements on the local default, side by side with a plain
# Kestrel endpoint serving the same JSON from memory. Writes the figures into bench/README.md.
# Needs wrk (Debian package `wrk`). Usage: bench/entitlements.sh [duration, default 20s]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
connections=32
threads=2
key=bk_bench_demo_key_0123456789
out=bench/out
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

dotnet build -c Release -v q --nologo silo/OrleansBilling.Silo.csproj
dotnet build -c Release -v q --nologo bench/PlainEndpoint/OrleansBilling.Bench.PlainEndpoint.csproj

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_for() { # url, what
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "$2 did not come up" >&2; exit 1
}

dotnet silo/bin/Release/net10.0/OrleansBilling.Silo.dll --urls http://127.0.0.1:5090 \
  --Billing:Demo:ApiKey=$key --Logging:LogLevel:Default=Warning >"$out/silo.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:5090/health/ready "the silo"
service_url=http://127.0.0.1:5090/v1/customers/bench_1/entitlements
curl -sf -H "Authorization: Bearer $key" "$service_url" >"$out/entitlements.json"

dotnet bench/PlainEndpoint/bin/Release/net10.0/OrleansBilling.Bench.PlainEndpoint.dll --urls http://127.0.0.1:5091 \
  --body "$out/entitlements.json" >"$out/plain.log" 2>&1 &
pids+=($!)
plain_url=http://127.0.0.1:5091/v1/customers/bench_1/entitlements
wait_for "$plain_url" "the plain endpoint"
cmp -s "$out/entitlements.json" <(curl -sf "$plain_url") || { echo "the two endpoints do not serve the same JSON" >&2; exit 1; }

run() { # name, url, [header]
  local name=$1 url=$2; shift 2
  wrk -t$threads -c$connections -d10s "$@" "$url" >/dev/null           # warm-up: JIT, tiered compilation, caches
  wrk -t$threads -c$connections -d"$duration" --latency "$@" "$url" >"$out/$name.txt"
}
run plain "$plain_url"
run service "$service_url" -H "Authorization: Bearer $key"

rps() { awk '/Requests\/sec/ {print $2}' "$out/$1.txt"; }
p99() { awk '$1 == "99%" {print $2}' "$out/$1.txt"; }
errors() { awk '/Non-2xx|Socket errors/ {print}' "$out/$1.txt"; }
ratio=$(awk -v s="$(rps service)" -v p="$(rps plain)" 'BEGIN { printf "%.2f", s / p }')

table=$(cat <<TABLE
Measured $(date -u +%Y-%m-%d) on this project's machine ($(nproc) cores; wrk and the servers share them),
wrk -t$threads -c$connections -d$duration, after a 10 s warm-up of each, Release builds.

| endpoint | requests/s | p99 latency |
|---|---|---|
| plain Kestrel, same JSON from memory | $(rps plain) | $(p99 plain) |
| service: auth + grain call (local default) | $(rps service) | $(p99 service) |

Ratio service / plain: **$ratio** (goal: at least 0.6).
$(errors service)
TABLE
)
python3 - "$table" <<'PY'
import re, sys
path = "bench/README.md"
text = open(path).read()
start, end = "<!-- entitlements:begin -->", "<!-- entitlements:end -->"
text = re.sub(re.escape(start) + ".*?" + re.escape(end), start + "\n" + sys.argv[1] + "\n" + end, text, flags=re.S)
open(path, "w").write(text)
PY
echo "$table"
