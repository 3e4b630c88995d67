namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>What became of a Stripe event once it was durably handled.</summary>
/// <param name="Outcome">
/// <c>Applied</c>, <c>Recorded</c>, <c>NoChange</c>, <c>Duplicate</c>, <c>Stale</c> or <c>NotAllowed</c>
/// (an anomaly) from the subscription; <c>Ignored</c> for types this service does not act on;
/// <c>Orphan</c> for events about no known product or customer.
/// </param>
/// <param name="SubscriptionKey">The subscription it was applied to, if any.</param>
/// <param name="Detail">Why, in a sentence.</param>
/// <param name="Repeated">True when the event id had been handled before and nothing was done again.</param>
[GenerateSerializer, Immutable, Alias("billing.WebhookOutcome")]
public sealed record WebhookOutcome(
    [property: Id(0)] string Outcome,
    [property: Id(1)] string? SubscriptionKey,
    [property: Id(2)] string? Detail,
    [property: Id(3)] bool Repeated = false);
