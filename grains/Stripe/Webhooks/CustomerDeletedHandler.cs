using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary><c>customer.deleted</c>: a fact; Stripe ends the customer's subscriptions with their own events.</summary>
public sealed class CustomerDeletedHandler : IStripeEventHandler
{
    public IReadOnlyList<string> Types { get; } = [EventTypes.CustomerDeleted];

    public WebhookRoute Route(Event stripeEvent)
    {
        var customer = (Customer)stripeEvent.Data.Object;
        return new WebhookRoute.Apply(StripeMetadata.SubscriptionKey(customer.Metadata), customer.Id, new ProviderEvent(
            stripeEvent.Id, ProviderEventKind.Fact, stripeEvent.Created, customer.Id, ObjectId: customer.Id,
            Fact: HistoryFact.ProviderCustomerDeleted, Detail: $"customer={customer.Id}", ChangeId: $"{customer.Id}/deleted"));
    }
}
