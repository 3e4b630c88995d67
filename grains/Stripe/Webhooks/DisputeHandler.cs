using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// <c>charge.dispute.created / closed</c>: facts in the customer's history (who disputed how much, why,
/// and how it ended). A dispute names only its charge, so it is found through the charge's customer.
/// </summary>
public sealed class DisputeHandler : IStripeEventHandler
{
    public IReadOnlyList<string> Types { get; } = [EventTypes.ChargeDisputeCreated, EventTypes.ChargeDisputeClosed];

    public WebhookRoute Route(Event stripeEvent)
    {
        var dispute = (Dispute)stripeEvent.Data.Object;
        var closed = stripeEvent.Type == EventTypes.ChargeDisputeClosed;
        return new WebhookRoute.Apply(null, null, new ProviderEvent(
            stripeEvent.Id, ProviderEventKind.Fact, stripeEvent.Created, ObjectId: dispute.Id,
            Fact: closed ? HistoryFact.DisputeClosed : HistoryFact.DisputeOpened,
            Detail: $"dispute={dispute.Id}; charge={dispute.ChargeId}; amount={dispute.Amount} {dispute.Currency}; reason={dispute.Reason}; status={dispute.Status}",
            ChangeId: $"{dispute.Id}/{(closed ? "closed" : "created")}", AmountMinor: dispute.Amount, Currency: dispute.Currency))
        {
            ProviderChargeId = dispute.ChargeId,
        };
    }
}
