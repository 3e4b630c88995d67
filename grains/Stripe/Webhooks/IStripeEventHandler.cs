using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// Turns one Stripe event type into this service's own event at the edge. Handlers are pure: they
/// read the event and nothing else; fetching current state is the subscription grain's business.
/// </summary>
public interface IStripeEventHandler
{
    /// <summary>The Stripe event types this handler reads (<c>invoice.paid</c>).</summary>
    IReadOnlyList<string> Types { get; }

    WebhookRoute Route(Event stripeEvent);
}
