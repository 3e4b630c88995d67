using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// <c>charge.refunded</c> (found through the charge's customer) and <c>refund.created / updated /
/// failed</c> (found through the refund's metadata, set on the refunds this service issues): facts.
/// </summary>
public sealed class RefundHandler : IStripeEventHandler
{
    public IReadOnlyList<string> Types { get; } =
        [EventTypes.ChargeRefunded, EventTypes.RefundCreated, EventTypes.RefundUpdated, EventTypes.RefundFailed];

    public WebhookRoute Route(Event stripeEvent)
    {
        if (stripeEvent.Data.Object is Charge charge)
        {
            return new WebhookRoute.Apply(null, charge.CustomerId, new ProviderEvent(
                stripeEvent.Id, ProviderEventKind.Fact, stripeEvent.Created, charge.CustomerId, ObjectId: charge.Id,
                FactName: "ChargeRefunded", Detail: $"charge={charge.Id}; amount_refunded={charge.AmountRefunded} {charge.Currency}",
                ChangeId: $"{charge.Id}/refunded-{charge.AmountRefunded}"));
        }

        var refund = (Refund)stripeEvent.Data.Object;
        var name = stripeEvent.Type switch
        {
            EventTypes.RefundCreated => "RefundCreated",
            EventTypes.RefundFailed => "RefundFailed",
            _ => "RefundUpdated",
        };
        return new WebhookRoute.Apply(StripeMetadata.SubscriptionKey(refund.Metadata), null, new ProviderEvent(
            stripeEvent.Id, ProviderEventKind.Fact, stripeEvent.Created, ObjectId: refund.Id,
            FactName: name, Detail: $"refund={refund.Id}; amount={refund.Amount} {refund.Currency}; status={refund.Status}",
            ChangeId: $"{refund.Id}/{stripeEvent.Type}/{refund.Status}"));
    }
}
