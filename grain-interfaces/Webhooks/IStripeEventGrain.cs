namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>
/// The inbox for one Stripe event, keyed <c>stripe-event/{evt_id}</c>: deliveries of the same event
/// are serialized here, stored before they are applied, and applied at most once.
/// </summary>
[Alias("billing.IStripeEventGrain")]
public interface IStripeEventGrain : IGrainWithStringKey
{
    /// <summary>Stores and applies the event; returns only once the outcome is durable. Again, it answers the recorded outcome.</summary>
    [Repeatable, Alias("Receive")]
    Task<WebhookOutcome> Receive(StripeWebhook webhook);

    /// <summary>
    /// Reads the stored event again with the code running now and handles it, for a person fixing an
    /// anomaly (or an event left without an outcome). Applying stays at most once: a subscription
    /// ignores an event id it applied before. Null when no event of this id is stored.
    /// </summary>
    /// <param name="actor">Who asks, for the anomaly's record.</param>
    [Alias("Rerun")]
    Task<WebhookOutcome?> Rerun(string actor);
}
