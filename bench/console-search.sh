#!/usr/bin/env bash
# Benchmark: the console's search (issue 12 §3) on 100,000 customers in PostgreSQL, through the admin
# API (HTTP, the staff token check, the search grain, one query): each kind of id, answered one at a
# time as a person searches. Goal: under 200 ms. Writes the figures into bench/README.md.
# Needs psql, curl and python3. Usage: bench/console-search.sh [customers, default 100000] [searches per kind, default 200]
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-100000}
searches=${2:-200}
admin_key=adm_bench_search_0123456789
port=5096
source bench/common.sh
require_tools psql curl python3
build_release silo/OrleansBilling.Silo.csproj
start_postgres console_search

dotnet silo/bin/Release/net10.0/OrleansBilling.Silo.dll --urls http://127.0.0.1:$port \
  "--ConnectionStrings:Billing=$connection_string" --Billing:Sandbox:Enabled=true --Billing:AdminKey=$admin_key \
  --Orleans:AdvertisedIP=127.0.0.1 --Orleans:ClusterId=bench-search-$$ \
  --Logging:LogLevel:Default=Warning >"$out/console-search-silo.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:$port/health/ready "the silo"

# The read model as the service writes it, for five products: each customer with an address, Stripe's
# customer and subscription, and three invoices in the index.
psql -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO billing.subscriptions (subscription_key, product_id, customer_id, state, plan_id, email,
    provider_customer_id, provider_subscription_id, version, updated_at)
SELECT 'product' || (i % 5) || '/cust_' || i, 'product' || (i % 5), 'cust_' || i, 'Active', 'basic',
       'Person.' || i || '@Example.com', 'cus_bench' || i, 'sub_bench' || i, 1, now()
FROM generate_series(1, $customers) AS i;
INSERT INTO billing.subscription_invoices (invoice_id, subscription_key)
SELECT 'in_bench' || i || '_' || n, 'product' || (i % 5) || '/cust_' || i
FROM generate_series(1, $customers) AS i, generate_series(1, 3) AS n;
ANALYZE billing.subscriptions;
ANALYZE billing.subscription_invoices;
SQL

# Each search a person would type, for a customer picked at random each time; the answer must find them
# (for an id's beginning, the first 20 of the customers whose id begins so).
measure() { # name, query pattern (N is the customer's number), expected matches
  python3 - "$1" "$2" "$3" "$customers" "$searches" "$port" "$admin_key" <<'PY' | tee -a "$out/console-search.txt"
import json, random, sys, time, urllib.parse, urllib.request
name, pattern, expected, customers, searches, port, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
random.seed(name)
times = []
for _ in range(searches):
    # Above a tenth of the customers, no other id begins with this one; P is its beginning, two digits short.
    n = random.randint(customers // 10 + 1, customers)
    query = pattern.replace("N", str(n)).replace("P", str(n)[:-2])
    request = urllib.request.Request(f"http://127.0.0.1:{port}/admin/v1/customers?q={urllib.parse.quote(query)}", headers={"Authorization": f"Bearer {key}"})
    start = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        found = json.load(response)
    times.append((time.perf_counter() - start) * 1000)
    if len(found) != expected if expected >= 0 else len(found) == 0:
        raise SystemExit(f"{name}: '{query}' found {len(found)}, expected {expected if expected >= 0 else 'some'}")
times.sort()
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"| {name} | `{pattern}` | {searches} | {pick(0.5):.1f} | {pick(0.99):.1f} | {times[-1]:.1f} |")
PY
}
: >"$out/console-search.txt"
measure "warm-up" "cust_N" 1 >/dev/null
rows=$(
  measure "customer id" "cust_N" 1
  measure "beginning of a customer id" "cust_P" -1
  measure "email, other case" "person.N@example.COM" 1
  measure "Stripe customer" "cus_benchN" 1
  measure "Stripe subscription" "sub_benchN" 1
  measure "invoice" "in_benchN_2" 1
  measure "nothing matches" "nobody_N" 0
)

table=$(cat <<TABLE
Run on $(date -u +%Y-%m-%d) by \`bench/console-search.sh $customers $searches\`: $customers customers in five products
(each with an address, Stripe's customer and subscription, and 3 invoices in the index), one search at a time
through \`GET /admin/v1/customers?q=\` on the silo (Release) on a throwaway PostgreSQL ($pg_settings).
Milliseconds from the request to the parsed answer, each search for a customer picked at random.

| search | query | searches | p50 ms | p99 ms | max ms |
|---|---|---|---|---|---|
$rows
TABLE
)
write_section console-search "$table"
echo "$table"
