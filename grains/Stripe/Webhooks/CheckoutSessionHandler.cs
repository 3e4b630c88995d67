using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;
using Stripe.Checkout;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// <c>checkout.session.completed</c>: the subscription it created is fetched and followed (trialing
/// or active), and the address the customer gave at checkout is the one lifecycle email goes to.
/// <c>checkout.session.expired</c>: the abandoned checkout returns to where it began.
/// </summary>
public sealed class CheckoutSessionHandler : IStripeEventHandler
{
    public IReadOnlyList<string> Types { get; } = [EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionExpired];

    public WebhookRoute Route(Event stripeEvent)
    {
        var session = (Session)stripeEvent.Data.Object;
        var key = StripeMetadata.SubscriptionKey(session.Metadata);
        if (stripeEvent.Type == EventTypes.CheckoutSessionExpired)
        {
            return new WebhookRoute.Apply(key, session.CustomerId, new ProviderEvent(
                stripeEvent.Id, ProviderEventKind.CheckoutExpired, stripeEvent.Created, ProviderCustomerId: session.CustomerId, ObjectId: session.Id));
        }

        return session.SubscriptionId is null
            ? new WebhookRoute.Ignore("A checkout without a subscription is not this service's.")
            : new WebhookRoute.Apply(key, session.CustomerId, new ProviderEvent(
                stripeEvent.Id, ProviderEventKind.SubscriptionChanged, stripeEvent.Created,
                ProviderCustomerId: session.CustomerId, ProviderSubscriptionId: session.SubscriptionId, ObjectId: session.Id,
                Email: session.CustomerDetails?.Email));
    }
}
