using OrleansBilling.GrainInterfaces.Subscriptions;
using Stripe;

namespace OrleansBilling.Grains.Stripe.Webhooks;

/// <summary>
/// Invoice events of subscriptions: <c>invoice.paid</c> (and <c>invoice.payment_succeeded</c>, the same
/// fact told twice) and <c>invoice.payment_failed</c> move the lifecycle;
/// <c>invoice.finalized</c> and <c>invoice.payment_action_required</c> are facts for the history.
/// </summary>
public sealed class InvoiceHandler : IStripeEventHandler
{
    public IReadOnlyList<string> Types { get; } =
    [
        EventTypes.InvoicePaid,
        EventTypes.InvoicePaymentSucceeded,
        EventTypes.InvoicePaymentFailed,
        EventTypes.InvoiceFinalized,
        EventTypes.InvoicePaymentActionRequired,
    ];

    public WebhookRoute Route(Event stripeEvent)
    {
        var invoice = (Invoice)stripeEvent.Data.Object;
        if (invoice.Parent?.SubscriptionDetails is not { } parent)
        {
            return new WebhookRoute.Ignore("An invoice of no subscription is not this service's.");
        }

        // The period the invoice pays for ahead: a renewal also bills the past period's metered usage in
        // arrears, on lines whose period ends sooner.
        var period = invoice.Lines?.Data?.MaxBy(line => line.Period?.End)?.Period;
        var at = stripeEvent.Created;
        var providerEvent = stripeEvent.Type switch
        {
            EventTypes.InvoicePaid or EventTypes.InvoicePaymentSucceeded => new ProviderEvent(
                stripeEvent.Id, ProviderEventKind.InvoicePaid, at, invoice.CustomerId, parent.SubscriptionId,
                PeriodStart: Utc(period?.Start), PeriodEnd: Utc(period?.End), InvoiceId: invoice.Id, AmountMinor: invoice.AmountPaid, ObjectId: invoice.Id,
                Currency: invoice.Currency),
            // A plan change charged at once is held pending by Stripe when its payment fails: the subscription
            // runs on at its old price, so this is no reason for dunning.
            EventTypes.InvoicePaymentFailed when invoice.BillingReason == "subscription_update" =>
                Fact(stripeEvent, invoice, parent.SubscriptionId, HistoryFact.PlanChangePaymentFailed, $"{invoice.Id}/attempt-{invoice.AttemptCount}/failed"),
            EventTypes.InvoicePaymentFailed => new ProviderEvent(
                stripeEvent.Id, ProviderEventKind.InvoicePaymentFailed, at, invoice.CustomerId, parent.SubscriptionId,
                InvoiceId: invoice.Id, AmountMinor: invoice.AmountDue, ObjectId: invoice.Id, ChangeId: $"{invoice.Id}/attempt-{invoice.AttemptCount}/failed", HostedInvoiceUrl: invoice.HostedInvoiceUrl,
                Currency: invoice.Currency),
            EventTypes.InvoiceFinalized => Fact(stripeEvent, invoice, parent.SubscriptionId, HistoryFact.InvoiceFinalized, $"{invoice.Id}/finalized"),
            _ => Fact(stripeEvent, invoice, parent.SubscriptionId, HistoryFact.PaymentActionRequired, $"{invoice.Id}/attempt-{invoice.AttemptCount}/action-required"),
        };
        return new WebhookRoute.Apply(StripeMetadata.SubscriptionKey(parent.Metadata), invoice.CustomerId, providerEvent);
    }

    private static ProviderEvent Fact(Event stripeEvent, Invoice invoice, string subscriptionId, HistoryFact fact, string changeId) => new(
        stripeEvent.Id, ProviderEventKind.Fact, stripeEvent.Created, invoice.CustomerId, subscriptionId, InvoiceId: invoice.Id,
        ObjectId: invoice.Id, Fact: fact, Detail: $"invoice={invoice.Id}; amount_due={invoice.AmountDue}; url={invoice.HostedInvoiceUrl}", ChangeId: changeId);

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t && t != default ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
