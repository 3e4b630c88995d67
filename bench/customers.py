#!/usr/bin/env python3
"""Customers with an active subscription, made the way a product makes them (standard library only).

  customers.py URL API_KEY COUNT PREFIX [OUT]
      COUNT customers PREFIX1 … PREFIX<COUNT>, each with a paid checkout through the API and the
      sandbox's hosted checkout, so each has a real subscription in the sandbox and an Active
      subscription grain; with OUT, their Stripe subscription objects as the sandbox serves them,
      one JSON object a line.

Used by bench/webhooks.py (setup), bench/usage.sh and bench/entitlements.sh.
"""
import concurrent.futures
import json
import sys
import urllib.request


def call(method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def activate(base, api_key, count, prefix):
    """Returns the customers' subscriptions as the sandbox serves them, in customer order."""
    auth = {"Authorization": f"Bearer {api_key}"}

    def one(i):
        customer = f"{prefix}{i}"
        checkout = call("POST", f"{base}/v1/checkout", {
            "customerId": customer, "plan": "basic", "email": f"{customer}@example.test",
            "successUrl": "https://app.test/ok", "cancelUrl": "https://app.test/no"}, auth)
        # Completing the hosted checkout makes the sandbox create the subscription and deliver its
        # signed events (checkout.session.completed, customer.subscription.created, invoice.*).
        done = call("POST", f"{base}/sandbox/checkout/{checkout['sessionId']}/complete", {"card": "4242424242424242"})
        subscription = call("GET", f"{base}/sandbox/stripe/v1/subscriptions/{done['subscription']}",
                            headers={"Authorization": "Bearer sk_test_sandbox"})
        state = call("GET", f"{base}/v1/customers/{customer}/subscription", headers=auth)["state"]
        if state != "Active":
            raise SystemExit(f"{customer} is {state} after a paid checkout, not Active")
        return subscription

    # Each checkout waits mostly on commits and webhook deliveries, so many at once go faster.
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, range(1, count + 1)))


def write_lines(objects, out):
    with open(out, "w") as f:
        for o in objects:
            f.write(json.dumps(o, separators=(",", ":")) + "\n")


def main(argv):
    if len(argv) not in (5, 6):
        raise SystemExit(__doc__)
    subscriptions = activate(argv[1], argv[2], int(argv[3]), argv[4])
    if len(argv) == 6:
        write_lines(subscriptions, argv[5])


if __name__ == "__main__":
    main(sys.argv)
