#!/usr/bin/env bash
# Benchmark of a month's renewals under Stripe's rate limit (issue 16): CUSTOMERS customers (default 10,000) with a
# paid checkout; then, with the sandbox's webhook delivery held, its clock moves a month on, so it renews every
# subscription (invoice.created, invoice.finalized, invoice.paid, customer.subscription.updated … of each); then the
# sandbox starts refusing more than RATE API calls a second (429 with Retry-After, default 100) and releases the
# backlog at once, CONCURRENCY deliveries at a time (default 32), as Stripe delivers at the start of a month. The
# service's client runs with Stripe:RequestsPerSecond=RATE throughout. Measures the time until every event has its
# outcome in the inbox and the sandbox has nothing left to deliver, and checks that none is lost: every delivered
# event stored with an outcome, every subscription in the read model in its new period, no delivery given up.
# Needs psql, python3, curl and the PostgreSQL server binaries (or BENCH_POSTGRES, see bench/common.sh).
# Usage: bench/renewals.sh [customers, default 10000]; BENCH_RATE, BENCH_CLIENT_RATE (default BENCH_RATE; 0: none),
# BENCH_CONCURRENCY; BENCH_SECTION (default renewals) names the README section; BENCH_NO_README=1 to only print.
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-10000}
rate=${BENCH_RATE:-100}
# The service's own rate (Stripe:RequestsPerSecond); 0 leaves it without one, so it learns the limit from 429s alone.
client_rate=${BENCH_CLIENT_RATE:-$rate}
concurrency=${BENCH_CONCURRENCY:-32}
key=bk_bench_demo_key_0123456789
source bench/common.sh
require_tools psql python3 curl
build_release silo/OrleansBilling.Silo.csproj
BENCH_PG_OPTIONS="-c max_connections=300 ${BENCH_PG_OPTIONS:-}"
start_postgres renewals
port=$(free_port)
dotnet silo/bin/Release/net10.0/OrleansBilling.Silo.dll --urls http://127.0.0.1:$port \
  "--ConnectionStrings:Billing=$connection_string" --Billing:Sandbox:Enabled=true \
  --Billing:Demo:ApiKey=$key --Billing:Demo:Enabled=true --Stripe:RequestsPerSecond=$client_rate \
  --Orleans:AdvertisedIP=127.0.0.1 --Orleans:ClusterId=bench-renewals-$$ \
  --Logging:LogLevel:Default=Warning >"$out/renewals-silo.log" 2>&1 &
silo=$!
pids+=($silo)
wait_for http://127.0.0.1:$port/health/ready "the silo"
base=http://127.0.0.1:$port
json() { python3 -c "import json,sys; d = json.load(sys.stdin); print($1)"; }
post() { curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "$base$1"; }
metric() { # name, labels that must all be on the series (k="v",k="v") → the sum of its series
  curl -sf "$base/metrics" | awk -v name="$1" -v want="$2" 'index($0, name "{") == 1 {
    ok = 1; n = split(want, w, ","); for (i = 1; i <= n; i++) if (index($0, w[i]) == 0) ok = 0
    if (ok) s += $NF } END { printf "%d", s }'
}
settled_deliveries() { curl -sf "$base/sandbox/webhooks" | json 'd["pending"] == 0 and d["pending_retry"] == 0'; }

started=$(date +%s)
echo "creating $customers customers with a paid checkout"
python3 bench/customers.py "$base" "$key" "$customers" bench_rn_
while [[ $(settled_deliveries) != True ]]; do sleep 1; done
setup_seconds=$(( $(date +%s) - started ))

post /sandbox/webhooks/hold '{}' >/dev/null
t0=$(date +%s.%N)
post /sandbox/clock/advance '{"days": 31}' >"$out/renewals-advance.json"
renewed_at=$(date +%s.%N)
after=$(curl -sf "$base/sandbox/clock" | json 'd["now"]')
held=$(curl -sf "$base/sandbox/webhooks" | json 'd["held"]')
types=$(json '", ".join(f"{n} {t}" for t, n in sorted(__import__("collections").Counter(e["type"] for e in d["events"]).items()))' <"$out/renewals-advance.json")
echo "the sandbox renewed in $(awk -v a="$t0" -v b="$renewed_at" 'BEGIN { printf "%.1f", b - a }') s: $held events held ($types)"

post /sandbox/rate-limit "{\"requests_per_second\": $rate}" >/dev/null
calls_before=$(curl -sf "$base/sandbox/rate-limit" | json 'd["admitted"]')
busy_before=$(machine_busy); silo_before=$(cpu_seconds "$silo"); pg_before=$(postgres_cpu)
start=$(date +%s.%N)
post /sandbox/webhooks/release "{\"concurrency\": $concurrency}" >"$out/renewals-release.json"
first_attempts=$(date +%s.%N)
unsettled() { psql -At -c "SELECT count(*) FROM billing.stripe_events WHERE received_at >= '$after' AND outcome IS NULL"; }
deadline=$(( $(date +%s) + 1800 ))
while [[ $(settled_deliveries) != True || $(unsettled) != 0 ]]; do
  (( $(date +%s) < deadline )) || { echo "not drained after 1800 s: $(unsettled) events without an outcome" >&2; exit 1; }
  sleep 0.5
done
end=$(date +%s.%N)
silo_cpu=$(awk -v a="$silo_before" -v b="$(cpu_seconds "$silo")" 'BEGIN { printf "%.1f", b - a }')
pg_cpu=$(awk -v a="$pg_before" -v b="$(postgres_cpu)" 'BEGIN { printf "%.1f", b - a }')
others_cpu=$(others "$busy_before" "$(machine_busy)" "$(awk -v a="$silo_cpu" -v b="$pg_cpu" 'BEGIN { print a + b }')")

drain=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
first=$(awk -v a="$start" -v b="$first_attempts" 'BEGIN { printf "%.1f", b - a }')
webhooks=$(curl -sf "$base/sandbox/webhooks")
failed=$(json 'd["failed"]' <<<"$webhooks")
limit=$(curl -sf "$base/sandbox/rate-limit")
refused=$(json 'd["refused"]' <<<"$limit")
calls=$(( $(json 'd["admitted"]' <<<"$limit") - calls_before ))
outcomes=$(psql -At -F' ' -c "SELECT coalesce(outcome, 'none'), count(*) FROM billing.stripe_events WHERE received_at >= '$after' GROUP BY 1 ORDER BY 2 DESC" | paste -sd, | sed 's/,/, /g')
stored=$(psql -At -c "SELECT count(*) FROM billing.stripe_events WHERE received_at >= '$after'")
without=$(unsettled)
not_renewed=$(psql -At -c "SELECT count(*) FROM billing.subscriptions WHERE customer_id LIKE 'bench_rn_%' AND (state <> 'Active' OR current_period_end < '$after'::timestamptz)")
throttled_stripe=$(metric billing_stripe_throttled_total 'by="stripe"')
throttled_budget=$(metric billing_stripe_throttled_total 'by="budget"')
unavailable=$(metric http_server_request_duration_seconds_count 'http_route="/webhooks/stripe",http_response_status_code="503"')
answered=$(metric http_server_request_duration_seconds_count 'http_route="/webhooks/stripe"')

text="Measured $(date -u +%Y-%m-%d) on this project's machine (2 cores, shared by the silo with its sandbox and PostgreSQL),
$customers customers of the demo product, each with a paid monthly checkout (setup: ${setup_seconds} s). The sandbox's
clock moved 31 days with delivery held: $held events ($types). Then the sandbox limited
the Stripe API to $rate calls a second and released the backlog, $concurrency deliveries at a time; the service's client
ran with \`Stripe:RequestsPerSecond=$client_rate\`$( [[ $client_rate == 0 ]] && echo ' (no rate of its own: it learns the limit from 429s)' || true). PostgreSQL 15 defaults (fsync on), Release build, logging at Warning.

| what | figure |
|---|---|
| time to drain: release until every event has its outcome and nothing waits for a retry | **${drain} s** |
| until every event had its first delivery attempt | ${first} s |
| events stored in the inbox / with an outcome / without | $stored / $((stored - without)) / $without |
| outcomes | $outcomes |
| deliveries the sandbox gave up on | $failed |
| Stripe API calls the sandbox served during the drain (per second of the drain) | $calls ($(awk -v n="$calls" -v s="$drain" 'BEGIN { printf "%.0f", n / s }')/s) |
| 429s the sandbox answered / seen by the service's client (retried after \`Retry-After\`) | $refused / $throttled_stripe |
| calls refused by the client's own budget (longest wait passed; the webhook answered 503 and was delivered again) | $throttled_budget |
| webhook requests answered since the silo started (setup included) / of them 503 (Stripe delivers those again) | $answered / $unavailable |
| subscriptions not Active in their new period afterwards | $not_renewed |

CPU time during the drain: silo (with the sandbox) ${silo_cpu} s, PostgreSQL ${pg_cpu} s, other processes ${others_cpu} s."
echo "$text"
[[ -n ${BENCH_NO_README:-} ]] || write_section "${BENCH_SECTION:-renewals}" "$text"
