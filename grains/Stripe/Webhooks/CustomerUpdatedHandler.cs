using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary><c>customer.updated</c>: the customer's email address, which lifecycle email goes to, as Stripe now holds it.</summary>
public sealed class CustomerUpdatedHandler : IStripeEventHandler
{
    public IReadOnlyList<string> Types { get; } = [EventTypes.CustomerUpdated];

    public WebhookRoute Route(Event stripeEvent)
    {
        var customer = (Customer)stripeEvent.Data.Object;
        return new WebhookRoute.Apply(StripeMetadata.SubscriptionKey(customer.Metadata), customer.Id, new ProviderEvent(
            stripeEvent.Id, ProviderEventKind.CustomerUpdated, stripeEvent.Created, customer.Id, ObjectId: customer.Id, Email: customer.Email));
    }
}
