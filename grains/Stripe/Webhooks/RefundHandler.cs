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
                Fact: HistoryFact.ChargeRefunded, Detail: $"charge={charge.Id}; amount_refunded={charge.AmountRefunded} {charge.Currency}",
                ChangeId: $"{charge.Id}/refunded-{charge.AmountRefunded}", AmountMinor: charge.AmountRefunded, Currency: charge.Currency));
        }

        var refund = (Refund)stripeEvent.Data.Object;
        var fact = stripeEvent.Type switch
        {
            EventTypes.RefundCreated => HistoryFact.RefundCreated,
            EventTypes.RefundFailed => HistoryFact.RefundFailed,
            _ => HistoryFact.RefundUpdated,
        };
        return new WebhookRoute.Apply(StripeMetadata.SubscriptionKey(refund.Metadata), null, new ProviderEvent(
            stripeEvent.Id, ProviderEventKind.Fact, stripeEvent.Created, ObjectId: refund.Id,
            Fact: fact, Detail: $"refund={refund.Id}; amount={refund.Amount} {refund.Currency}; status={refund.Status}",
            ChangeId: $"{refund.Id}/{stripeEvent.Type}/{refund.Status}", AmountMinor: refund.Amount, Currency: refund.Currency));
    }
}
