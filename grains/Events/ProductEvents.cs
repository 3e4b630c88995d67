using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;

namespace OrleansBilling.Grains.Events;

/// <summary>
/// What a product hears of a stored change of its customer's subscription: pure, from the subscription before and after
/// and the change's history entries. Each event's id derives from the subscription, its version and the event's place
/// in the change, so the same change always makes the same events.
/// </summary>
public static class ProductEvents
{
    private static readonly IReadOnlyDictionary<string, decimal> NoUsage = new Dictionary<string, decimal>();

    private static readonly HashSet<LifecycleTransition> Starts = [LifecycleTransition.TrialStarted, LifecycleTransition.Activated, LifecycleTransition.WonBack];

    private static readonly HashSet<LifecycleTransition> DunningSteps =
        [LifecycleTransition.DunningStepTaken, LifecycleTransition.AccessSuspended, LifecycleTransition.DunningExhausted];

    private static readonly HashSet<LifecycleTransition> Payments =
        [LifecycleTransition.Activated, LifecycleTransition.WonBack, LifecycleTransition.TrialConverted, LifecycleTransition.Renewed, LifecycleTransition.PaymentRecovered];

    /// <summary>
    /// What the customer may use at <paramref name="now"/> (state, plan, features, limits, overrides in force, periods, grace),
    /// usage and the version aside, as a short hash: when it differs from the one last told, the product hears
    /// <c>entitlements.updated</c>. Read at the change's own moment, so what time alone changed since the last change (an
    /// override's expiry, the end of access) counts too.
    /// </summary>
    public static string EntitlementsFingerprint(Subscription subscription, ProductDefinition? product, DateTimeOffset now) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(EntitlementRules.For(subscription, product, 0, NoUsage, now), ProductEventJson.Default.EntitlementsView)))[..16];

    /// <summary>The events of <paramref name="change"/>, in the order a receiver should apply them.</summary>
    public static IReadOnlyList<ProductEvent> Of(ProductEventChange change)
    {
        var events = new List<ProductEvent>();
        var (before, after) = (change.Before, change.After);

        if (SubscriptionEvent(change) is { } type)
        {
            events.Add(Make(change, events.Count, type, new SubscriptionEventData(
                after.State, after.PlanId, after.CurrentPeriodStart, after.CurrentPeriodEnd, after.TrialEnd,
                after.State == SubscriptionState.Canceling, after.PendingChange, after.Terms,
                [.. change.Entries.Select(e => e.Transition).OfType<LifecycleTransition>()],
                before.State, before.PlanId), ProductEventJson.Default.ProductEventEnvelopeSubscriptionEventData));
        }

        foreach (var entry in change.Entries)
        {
            var detail = DetailFields(entry.Detail);
            if (entry.Transition is { } step && DunningSteps.Contains(step))
            {
                var episode = after.Dunning ?? before.Dunning;
                events.Add(Make(change, events.Count, ProductEventTypes.DunningStepTaken, new DunningStepData(
                    step, entry.To, detail.GetValueOrDefault("invoice") ?? episode?.InvoiceId, episode?.Number,
                    after.Dunning?.NextDueAt, after.Dunning?.GraceEnd, entry.Detail), ProductEventJson.Default.ProductEventEnvelopeDunningStepData));
            }

            if (entry.Amount is { } paid && (entry.Fact == HistoryFact.InvoicePaid || entry.Transition is { } t && Payments.Contains(t)))
            {
                events.Add(Make(change, events.Count, ProductEventTypes.InvoicePaid, new InvoiceEventData(
                    detail.GetValueOrDefault("invoice"), paid.AmountMinor, paid.Currency, entry.To, entry.Transition),
                    ProductEventJson.Default.ProductEventEnvelopeInvoiceEventData));
            }

            if (entry.Transition == LifecycleTransition.PaymentFailed || entry.Fact is HistoryFact.PaymentAttemptFailed or HistoryFact.PlanChangePaymentFailed)
            {
                events.Add(Make(change, events.Count, ProductEventTypes.InvoicePaymentFailed, new InvoiceEventData(
                    detail.GetValueOrDefault("invoice"), null, null, entry.To, entry.Transition),
                    ProductEventJson.Default.ProductEventEnvelopeInvoiceEventData));
            }

            if (entry.Fact == HistoryFact.UsageThresholdReached && UsageThreshold(detail) is { } threshold)
            {
                events.Add(Make(change, events.Count, ProductEventTypes.UsageThresholdReached, threshold, ProductEventJson.Default.ProductEventEnvelopeUsageThresholdData));
            }

            if (entry.Fact is HistoryFact.RefundIssued or HistoryFact.RefundCreated && entry.Amount is { } refunded)
            {
                events.Add(Make(change, events.Count, ProductEventTypes.RefundCreated, new RefundEventData(
                    detail.GetValueOrDefault("refund"), detail.GetValueOrDefault("invoice"), refunded.AmountMinor, refunded.Currency, entry.Actor,
                    detail.GetValueOrDefault("reason")), ProductEventJson.Default.ProductEventEnvelopeRefundEventData));
            }
        }

        if (change.Entitlements is { } entitlements)
        {
            events.Add(Make(change, events.Count, ProductEventTypes.EntitlementsUpdated, entitlements, ProductEventJson.Default.ProductEventEnvelopeEntitlementsView));
        }

        return events;
    }

    /// <summary>
    /// The subscription event of the change: created when it started (a trial, a first payment, a win-back), canceled when it
    /// ended, updated when its state, plan, period, trial, pending change or terms moved otherwise; none when none did.
    /// </summary>
    private static string? SubscriptionEvent(ProductEventChange change)
    {
        var (before, after) = (change.Before, change.After);
        if (after.State == SubscriptionState.Canceled && before.State != SubscriptionState.Canceled)
        {
            return ProductEventTypes.SubscriptionCanceled;
        }

        if (change.Entries.Any(e => e.Transition is { } t && Starts.Contains(t)))
        {
            return ProductEventTypes.SubscriptionCreated;
        }

        var moved = before.State != after.State
            || before.PlanId != after.PlanId
            || before.CurrentPeriodStart != after.CurrentPeriodStart
            || before.CurrentPeriodEnd != after.CurrentPeriodEnd
            || before.TrialEnd != after.TrialEnd
            || !Equals(before.PendingChange, after.PendingChange)
            || !TermsEqual(before.Terms, after.Terms);
        return moved ? ProductEventTypes.SubscriptionUpdated : null;
    }

    private static bool TermsEqual(PriceTerms? a, PriceTerms? b) =>
        a is null || b is null ? a is null && b is null : JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);

    private static ProductEvent Make<TData>(ProductEventChange change, int index, string type, TData data, JsonTypeInfo<ProductEventEnvelope<TData>> json)
    {
        var (productId, customerId) = (change.After.ProductId, change.After.CustomerId);
        var id = EventId(productId, customerId, change.Version, index);
        var payload = JsonSerializer.Serialize(new ProductEventEnvelope<TData>(id, type, change.At, productId, customerId, change.Version, data), json);
        return new ProductEvent(id, type, productId, customerId, change.Version, change.At, payload);
    }

    /// <summary><c>evt_</c> and 26 hex digits of a hash of the subscription, the version and the place in the change.</summary>
    public static string EventId(string productId, string customerId, long version, int index) =>
        "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{productId}/{customerId}/{version}/{index}")))[..26];

    private static UsageThresholdData? UsageThreshold(Dictionary<string, string> detail) =>
        detail.GetValueOrDefault("meter") is { } meter
        && int.TryParse(detail.GetValueOrDefault("percent"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent)
        && decimal.TryParse(detail.GetValueOrDefault("limit"), NumberStyles.Number, CultureInfo.InvariantCulture, out var limit)
        && decimal.TryParse(detail.GetValueOrDefault("used"), NumberStyles.Number, CultureInfo.InvariantCulture, out var used)
        && DateTimeOffset.TryParse(detail.GetValueOrDefault("period"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var period)
            ? new UsageThresholdData(meter, percent, limit, used, period)
            : null;

    /// <summary>The <c>key=value; key=value</c> pairs of an entry's detail.</summary>
    private static Dictionary<string, string> DetailFields(string? detail)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (detail ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields.TryAdd(part[..equals], part[(equals + 1)..]);
            }
        }

        return fields;
    }
}
