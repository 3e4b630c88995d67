namespace OrleansBilling.GrainInterfaces.Webhooks;

/// <summary>
/// The inbox for one Stripe event, keyed <c>stripe-event/{evt_id}</c>: deliveries of the same event
/// are serialized here, stored before they are applied, and applied at most once.
/// </summary>
[Alias("billing.IStripeEventGrain")]
public interface IStripeEventGrain : IGrainWithStringKey
{
    /// <summary>Stores and applies the event; returns only once the outcome is durable.</summary>
    [Alias("Receive")]
    Task<WebhookOutcome> Receive(StripeWebhook webhook);
}
