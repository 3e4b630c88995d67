#!/usr/bin/env python3
"""Helpers of bench/webhooks.sh (standard library only).

  setup URL API_KEY COUNT OUT      COUNT customers bench_wh_<n> with a paid checkout (API + sandbox,
                                   see customers.py); their Stripe subscription objects, as the
                                   sandbox serves them, to OUT, and their first invoices to OUT.invoices
  sign OBJECTS SECRET COUNT PREFIX THREADS OUT [KIND [FIRST]]
                                   COUNT signed events, unique ids, round-robin over the objects, dealt
                                   to OUT.0 … OUT.<THREADS-1> (one file per wrk thread); one
                                   "signature<TAB>body" a line. KIND "subscriptions" (default):
                                   customer.subscription.updated of the subscriptions as they are (the
                                   service changes nothing); "invoices": invoice.finalized of a new
                                   invoice each (a copy of the customer's first one under a new id), a
                                   fact each subscription records, as at every renewal; "renewals":
                                   invoice.paid of a new invoice for the subscription's next period (a
                                   day long: the N-th event of a subscription pays day N after its period
                                   end, counting from event FIRST), a Renewed transition each
  pgbench-script EVENTS OUT        the pgbench transaction: the service's inbox insert (with a real
                                   event body as payload) and its grain-state write
  percentile P LOG...              the P-th percentile (ms) of pgbench --log files (3rd column, µs)
"""
import concurrent.futures
import contextlib
import hashlib
import hmac
import json
import os
import sys
import time

from customers import activate, call, write_lines

API_VERSION = "2026-10-28.endive"


def setup(base, api_key, count, out):
    subscriptions = activate(base, api_key, count, "bench_wh_")
    write_lines(subscriptions, out)
    auth = {"Authorization": "Bearer sk_test_sandbox"}
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        invoices = list(pool.map(lambda s: call("GET", f"{base}/sandbox/stripe/v1/invoices/{s['latest_invoice']}", headers=auth), subscriptions))
    write_lines(invoices, f"{out}.invoices")


def sign(objects_file, secret, count, prefix, threads, out, kind="subscriptions", first=0):
    with open(objects_file) as f:
        objects = [line.strip() for line in f if line.strip()]
    if kind in ("invoices", "renewals"):
        invoices = [json.loads(o) for o in objects]
    key = secret.encode()
    now = int(time.time())
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(open(f"{out}.{k}", "w")) for k in range(threads)]
        for n in range(count):
            # Unique per event: evt_ + 24 characters, like Stripe's ids.
            event_id = f"evt_{prefix}{n:0{24 - len(prefix)}d}"
            if kind in ("invoices", "renewals"):
                event_type, invoice = "invoice.finalized", dict(invoices[n % len(invoices)], id=f"in_{prefix}{n:0{24 - len(prefix)}d}")
                if kind == "renewals":
                    # The subscription's (first + n) // count-th renewal: its period, a day each, after the first one's end.
                    day = (first + n) // len(invoices)
                    start = max(line["period"]["end"] for line in invoice["lines"]["data"]) + day * 86400
                    lines = [dict(line, period={"start": start, "end": start + 86400}) for line in invoice["lines"]["data"]]
                    event_type = "invoice.paid"
                    invoice = dict(invoice, billing_reason="subscription_cycle", lines=dict(invoice["lines"], data=lines))
                body = ('{"id":"%s","object":"event","api_version":"%s","created":%d,"data":{"object":%s},'
                        '"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},'
                        '"type":"%s"}') % (event_id, API_VERSION, now, json.dumps(invoice, separators=(",", ":")), event_type)
            else:
                body = ('{"id":"%s","object":"event","api_version":"%s","created":%d,'
                        '"data":{"object":%s,"previous_attributes":{"metadata":{}}},'
                        '"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},'
                        '"type":"customer.subscription.updated"}') % (event_id, API_VERSION, now, objects[n % len(objects)])
            signature = hmac.new(key, f"{now}.{body}".encode(), hashlib.sha256).hexdigest()
            files[n % threads].write(f"t={now},v1={signature}\t{body}\n")


def pgbench_script(events_file, out):
    with open(events_file) as f:
        body = f.readline().rstrip("\n").split("\t", 1)[1]
    created = json.loads(body)["created"]
    literal = body.replace("'", "''")
    # Two autocommit statements, as in the service, where the inbox row and the grain state are
    # written by different components in their own transactions. pgbench runs in simple-query
    # mode, so ":" inside the JSON literal is only replaced for the variables defined here.
    script = f"""\\set bench_row random(1, :bench_rows)
\\set bench_rnd random(1, 9000000000000000000)
INSERT INTO billing.stripe_events (id, type, api_version, created, received_at, payload)
VALUES ('evt_pgbench_' || :client_id || '_' || :bench_rnd, 'customer.subscription.updated', '{API_VERSION}',
        to_timestamp({created}), now(), '{literal}'::jsonb)
ON CONFLICT (id) DO NOTHING;
UPDATE orleans.OrleansStorage
SET PayloadBinary = PayloadBinary, Version = Version + 1, ModifiedOn = now()
WHERE (GrainIdHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
    = (SELECT GrainIdHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString
       FROM bench.grain_rows WHERE n = :bench_row);
"""
    with open(out, "w") as f:
        f.write(script)


def percentile(p, logs):
    latencies = []
    for log in logs:
        with open(log) as f:
            latencies.extend(int(line.split()[2]) for line in f if line.strip())
    latencies.sort()
    index = min(len(latencies) - 1, max(0, int(round(p / 100 * len(latencies))) - 1))
    print(f"{latencies[index] / 1000:.2f}ms")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "setup":
        setup(args[0], args[1], int(args[2]), args[3])
    elif command == "sign":
        sign(args[0], args[1], int(args[2]), args[3], int(args[4]), args[5], *args[6:7], *[int(a) for a in args[7:8]])
    elif command == "pgbench-script":
        pgbench_script(args[0], args[1])
    elif command == "percentile":
        percentile(float(args[0]), args[1:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
