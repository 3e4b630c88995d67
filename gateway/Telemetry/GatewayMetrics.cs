using System.Diagnostics.Metrics;
using OrleansBilling.GrainInterfaces;

namespace OrleansBilling.Gateway.Telemetry;

/// <summary>
/// What the HTTP surface counts, on the service's one meter (<see cref="BillingMeter.Name"/>): Stripe's
/// webhooks by type and outcome, and the entitlement reads products make. Types come from verified events
/// only; anything refused before its signature verifies is counted as type <c>unverified</c>.
/// </summary>
public sealed class GatewayMetrics
{
    public const string Unverified = "unverified";

    private readonly Counter<long> webhooks;
    private readonly Counter<long> entitlementReads;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(BillingMeter.Name);
        webhooks = meter.CreateCounter<long>(
            "billing.webhooks", "{event}",
            "Stripe webhooks by event type and outcome: the inbox's outcome (Applied, Recorded, Ignored, Orphan, NotAllowed, Unreadable), repeated, rejected, unsigned or failed (answered 5xx; Stripe delivers again).");
        entitlementReads = meter.CreateCounter<long>(
            "billing.entitlements.reads", "{read}", "Entitlement reads by product and answer: full, not_modified (a matching ETag), batch (per customer in a batch).");
    }

    public void Webhook(string type, string outcome) =>
        webhooks.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));

    public void EntitlementsRead(string product, string answer, int count = 1) =>
        entitlementReads.Add(count, new KeyValuePair<string, object?>("product", product), new KeyValuePair<string, object?>("answer", answer));
}
