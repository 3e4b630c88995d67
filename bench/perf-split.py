#!/usr/bin/env python3
"""Splits a perf profile of the silo by what the CPU was doing (standard library only).

  perf script -i PERF_DATA | bench/perf-split.py [usage|webhooks|entitlements]

Each sample goes to the first part whose rule matches its thread or any frame of its stack, so the
order below matters: the Stripe sandbox before Stripe.net, forwarding before the journal. Managed
frames have names only with DOTNET_PerfMapEnabled=1 (and DOTNET_EnableWriteXorExecute=0, without
which perf cannot tie samples to the map). Async continuations start a new stack, so a part is the
code that ran, not the request that caused it.
"""
import collections
import re
import sys

# Every profile begins with the runtime's own threads and ends with what is left, by library.
RUNTIME = [
    ("GC (server GC threads)", lambda thread, stack: thread.startswith((".NET Server GC", ".NET BGC"))),
    ("JIT (tiered compilation)", lambda thread, stack: thread.startswith(".NET Tiered")),
]
REST = [
    ("JSON (System.Text.Json elsewhere)", lambda thread, stack: "System.Text.Json" in stack),
    ("Orleans runtime (messaging, scheduling, serialization)", lambda thread, stack: "Orleans" in stack),
    ("Kestrel, ASP.NET Core", lambda thread, stack: "AspNetCore" in stack or "Kestrel" in stack),
    ("thread pool, sockets, kernel, unnamed", lambda thread, stack: True),
]

# For bench/usage.sh.
USAGE = RUNTIME + [
    ("sandbox: Stripe's side of the meter event stream", lambda thread, stack: "OrleansBilling.Sandbox" in stack),
    ("forwarding: Stripe.net client and HTTP", lambda thread, stack: "[Stripe.net]" in stack or "System.Net.Http" in stack),
    ("forwarding: unsent usage read and marked sent", lambda thread, stack: any(name in stack for name in ("UnsentAsync", "MarkSentAsync", "ForwardUnsent"))),
    ("journal: group commit (PostgresUsageJournal, Npgsql)", lambda thread, stack: "PostgresUsageJournal" in stack or "Npgsql" in stack),
    ("reminders", lambda thread, stack: "Reminder" in stack),
    ("grain: RecordUsage (UsageGrain)", lambda thread, stack: "UsageGrain" in stack),
    ("gateway: UsageApi (fan-out, answer)", lambda thread, stack: "UsageApi" in stack),
] + REST

# For bench/webhooks.sh: the signature check and Stripe.net's parse of the event before the rest of Stripe.net (the
# fetches), the stores before the grains that call them.
WEBHOOKS = RUNTIME + [
    ("signature check (HMAC)", lambda thread, stack: "ValidateSignature" in stack or "HMAC" in stack),
    # EventUtility.ParseEvent is inlined into the inbox grain's routing, which answers (WebhookRoute, string).
    ("Stripe.net: parsing the event", lambda thread, stack: "[Stripe.net]" in stack and ("ParseEvent" in stack or "WebhookRoute,string>" in stack)),
    ("sandbox: Stripe's side of fetches", lambda thread, stack: "OrleansBilling.Sandbox" in stack),
    ("Stripe.net: fetches (client, HTTP, parsing)", lambda thread, stack: "[Stripe.net]" in stack or "System.Net.Http" in stack),
    ("PostgreSQL client (Npgsql, ADO.NET storage)", lambda thread, stack: "Npgsql" in stack or "AdoNet" in stack),
    ("events to products", lambda thread, stack: "OrleansBilling.Grains.Events" in stack),
    ("reporting", lambda thread, stack: "Reporting" in stack),
    ("subscription grain: decision, effects", lambda thread, stack: "OrleansBilling.Grains.Subscriptions" in stack
        or "OrleansBilling.Grains.Lifecycle" in stack or "OrleansBilling.Grains.Effects" in stack),
    ("inbox grain (StripeEventGrain, handlers)", lambda thread, stack: "OrleansBilling.Grains.Stripe" in stack),
    ("webhook endpoint (body, routing fields, answer)", lambda thread, stack: "Webhook" in stack),
] + REST

# For bench/entitlements.sh, by the innermost frame of a known part: a middleware's frame is on the stack of everything
# after it in the pipeline (the endpoint too), so "anywhere in the stack" would give it all. Work in the base library
# (strings, dictionaries, tasks) goes to the part that called it.
ENTITLEMENT_PARTS = [
    ("endpoint (EntitlementsApi: grain call, answer, ETag)", ("EntitlementsApi",)),
    ("API key check (ProductKeyMiddleware, key directory)", ("ProductKeyMiddleware", "ProductApiKeyDirectory")),
    ("subscription grain (GetEntitlements)", ("OrleansBilling.Grains",)),
    ("telemetry (Activity, metrics, OpenTelemetry)", ("System.Diagnostics", "OpenTelemetry")),
    ("Orleans runtime (messaging, scheduling, serialization)", ("Orleans",)),
    ("Kestrel, ASP.NET Core (HTTP, routing, pipeline)", ("AspNetCore", "Kestrel")),
    ("JSON (System.Text.Json)", ("System.Text.Json",)),
    ("sockets and pipes", ("System.Net.Sockets", "System.IO.Pipelines")),
]


def innermost(stack):
    """The part of the innermost frame that names one, or None."""
    for frame in stack.split("\n"):
        for name, markers in ENTITLEMENT_PARTS:
            if any(marker in frame for marker in markers):
                return name
    return None


ENTITLEMENTS = RUNTIME + [
    (name, lambda thread, stack, name=name: innermost(stack) == name) for name, _ in ENTITLEMENT_PARTS
] + [("thread pool, kernel, unnamed", lambda thread, stack: True)]

HEADER = re.compile(r"^(.*?)\s+\d+(?:/\d+)?\s+")


def samples(lines):
    """(thread name, stack text) for each sample of `perf script` output."""
    thread, frames = None, []
    for line in lines:
        if not line.strip():
            if thread is not None:
                yield thread, "\n".join(frames)
            thread, frames = None, []
        elif line[0] in " \t":
            frames.append(line.strip())
        else:
            match = HEADER.match(line)
            thread = match.group(1).strip() if match else line.split()[0]
    if thread is not None:
        yield thread, "\n".join(frames)


def main():
    parts = {"usage": USAGE, "webhooks": WEBHOOKS, "entitlements": ENTITLEMENTS}[sys.argv[1] if len(sys.argv) > 1 else "usage"]
    counts = collections.Counter()
    for thread, stack in samples(sys.stdin):
        counts[next(name for name, rule in parts if rule(thread, stack))] += 1
    total = sum(counts.values())
    if total == 0:
        raise SystemExit("no samples")
    for name, count in counts.most_common():
        print(f"{100 * count / total:5.1f} %  {name}")
    print(f"({total} samples)")


if __name__ == "__main__":
    main()
