#!/usr/bin/env bash
# Benchmark: portfolio reports on PostgreSQL (issue 13 §4). 100,000 customers in five products and two
# currencies with 20 history entries each (2,000,000 rows, two years), written as the read model writes
# them; the silo's reporting projector computes the reporting tables from them (timed), then a 24-month
# monthly MRR report of the portfolio is asked through the admin API (timed). Goal: under 1 s.
# Needs psql, curl and python3. Usage: bench/reporting.sh [customers, default 100000] [reports, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-100000}
reports=${2:-20}
admin_key=adm_bench_reporting_0123456789
port=5097
source bench/common.sh
require_tools psql curl python3
build_release silo/OrleansBilling.Silo.csproj
start_postgres reporting

dotnet silo/bin/Release/net10.0/OrleansBilling.Silo.dll --urls http://127.0.0.1:$port \
  "--ConnectionStrings:Billing=$connection_string" --Billing:Sandbox:Enabled=true --Billing:AdminKey=$admin_key \
  --Orleans:AdvertisedIP=127.0.0.1 --Orleans:ClusterId=bench-reporting-$$ \
  --Logging:LogLevel:Default=Warning >"$out/reporting-silo.log" 2>&1 &
silo=$!
pids+=($silo)
wait_for http://127.0.0.1:$port/health/ready "the silo"

# Each customer: a checkout, then activated on a plan (9.00 or 29.00 a month; euros for one product in five),
# 17 invoices paid a month apart (facts: no terms), and one last transition: a plan change for some, a
# failed payment then recovery for some, a cancel for some. Customers start over the first year.
echo "writing $customers customers with 20 history entries each"
started=$(date +%s.%N)
# One transaction, as the writer publishes a row and its history together (the projector must never see a
# row's version before its history).
psql -q -v ON_ERROR_STOP=1 <<SQL
BEGIN;
INSERT INTO billing.subscriptions (subscription_key, product_id, customer_id, state, version, updated_at)
SELECT 'product' || (i % 5) || '/c' || i, 'product' || (i % 5), 'c' || i,
       CASE i % 10 WHEN 0 THEN 'Canceled' ELSE 'Active' END, 20, now()
FROM generate_series(1, $customers) AS i;

INSERT INTO billing.subscription_history
    (subscription_key, seq, product_id, customer_id, occurred_at, kind, name, from_state, to_state, actor,
     plan_before, unit_amount_before, currency_before, interval_before, quantity_before,
     plan_after, unit_amount_after, currency_after, interval_after, quantity_after)
SELECT 'product' || (i % 5) || '/c' || i, n, 'product' || (i % 5), 'c' || i,
       now() - interval '730 days' + (i % 365) * interval '1 day' + (n * 30) * interval '1 day',
       CASE WHEN n IN (1, 2, 20) THEN 'transition' ELSE 'fact' END,
       CASE WHEN n = 1 THEN 'CheckoutStarted' WHEN n = 2 THEN 'Activated'
            WHEN n < 20 THEN 'InvoicePaid'
            WHEN i % 10 = 0 THEN 'Canceled' WHEN i % 10 = 1 THEN 'PaymentFailed' ELSE 'PlanChanged' END,
       CASE WHEN n = 1 THEN 'None' WHEN n = 2 THEN 'Incomplete' ELSE 'Active' END,
       CASE WHEN n = 1 THEN 'Incomplete' WHEN n < 20 THEN 'Active'
            WHEN i % 10 = 0 THEN 'Canceled' WHEN i % 10 = 1 THEN 'PastDue' ELSE 'Active' END,
       'bench',
       NULL, NULL, NULL, NULL, NULL,
       CASE WHEN n IN (1, 2) OR n = 20 THEN CASE WHEN n = 20 AND i % 10 > 1 THEN 'pro' ELSE 'basic' END END,
       CASE WHEN n IN (1, 2) OR n = 20 THEN CASE WHEN n = 20 AND i % 10 > 1 THEN 2900 ELSE 900 END END,
       CASE WHEN n IN (1, 2) OR n = 20 THEN CASE WHEN i % 5 = 4 THEN 'eur' ELSE 'usd' END END,
       CASE WHEN n IN (1, 2) OR n = 20 THEN 'Month' END,
       CASE WHEN n IN (1, 2) OR n = 20 THEN 1 END
FROM generate_series(1, $customers) AS i, generate_series(1, 20) AS n;
COMMIT;
ANALYZE billing.subscriptions;
ANALYZE billing.subscription_history;
SQL
written=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
rows=$(psql -At -c "SELECT count(*) FROM billing.subscription_history")

# The projector (in the silo) computes every customer's facts; timed until nothing is left to compute.
echo "waiting for the reporting projector"
started=$(date +%s.%N)
cpu_before=$(cpu_seconds "$silo")
until [[ $(psql -At -c "SELECT count(*) FROM billing.subscriptions WHERE reported_version IS DISTINCT FROM version") == 0 ]]; do sleep 0.5; done
projected=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
projector_cpu=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$silo")" 'BEGIN { printf "%.1f", b - a }')
movements=$(psql -At -c "SELECT count(*) FROM billing.report_movements")
by_kind=$(psql -At -c "SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) AS n FROM billing.report_movements GROUP BY kind) k")
echo "movements by kind: $by_kind"

to=$(date -u +%Y-%m-%d)
from=$(date -u -d "$to -23 months" +%Y-%m-01)
timings=$(python3 - "$port" "$admin_key" "$from" "$to" "$reports" <<'PY'
import json, sys, time, urllib.request
port, key, start, end, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def ask(report, product=""):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/admin/v1/reports/{report}?from={start}&to={end}&interval=month{product}",
                                     headers={"Authorization": f"Bearer {key}"})
    began = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        rows = json.load(response)
    return (time.perf_counter() - began) * 1000, rows
ask("mrr")
times = sorted(ask("mrr")[0] for _ in range(count))
churn = sorted(ask("churn")[0] for _ in range(count))
_, rows = ask("mrr")
last = [r for r in rows if r["period"] == max(x["period"] for x in rows)]
print(f"{times[len(times) // 2]:.0f} {times[-1]:.0f} {churn[len(churn) // 2]:.0f} {churn[-1]:.0f} {len(rows)} " + ",".join(f'{r["currency"]}={r["mrrMinor"]}/{r["customers"]}' for r in last))
PY
)
read -r mrr_p50 mrr_max churn_p50 churn_max mrr_rows last_mrr <<<"$timings"

table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) by \`bench/reporting.sh $customers $reports\`: $customers customers in five products (usd and eur),
$rows history rows over two years written in ${written} s, on a throwaway PostgreSQL ($pg_settings), the silo in Release.

| step | figure |
|---|---|
| the projector computes every customer's facts (in the background, batches of 500) | ${projected} s wall, ${projector_cpu} s of the silo's CPU; $movements movements ($by_kind) |
| 24-month monthly MRR report of the portfolio, \`GET /admin/v1/reports/mrr\` ($reports asks) | p50 ${mrr_p50} ms, max ${mrr_max} ms ($mrr_rows rows) |
| the same period's churn report | p50 ${churn_p50} ms, max ${churn_max} ms |
| MRR at the end (minor units / customers) | $last_mrr |
TABLE
)
write_section reporting "$table"
echo "$table"
