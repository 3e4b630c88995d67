using OrleansBilling.Sandbox.Billing;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Api;

/// <summary><c>/v1/invoices</c>.</summary>
internal sealed class InvoicesApi(SandboxState state, InvoiceFlow invoices, SubscriptionFlow subscriptions) : ResourceApi(state)
{
    private static readonly string[] Statuses = ["draft", "open", "paid", "uncollectible", "void"];

    public ApiOutcome List(StripeApiRequest request)
    {
        var p = request.Parameters;
        var customer = p.String("customer");
        var subscription = p.String("subscription");
        var status = p.String("status");
        if (status is not null && !Statuses.Contains(status))
        {
            throw StripeApiException.Invalid("status", $"Invalid status: must be one of {string.Join(", ", Statuses)}.");
        }

        var all = State.Invoices.Values.OrderByDescending(i => i.Sequence).ToList();
        return Answer(request, ListPage.Build(
            all,
            i => (customer is null || i.CustomerId == customer)
                && (subscription is null || i.SubscriptionId == subscription)
                && (status is null || i.Status == status),
            i => i.Id,
            i => i.ToJson(),
            p,
            "/v1/invoices"));
    }

    /// <summary>
    /// <c>POST /v1/invoices/create_preview</c> for a subscription's price change: the invoice Stripe would make
    /// next (prorations and the next period), stored nowhere.
    /// </summary>
    public ApiOutcome CreatePreview(StripeApiRequest request)
    {
        var p = request.Parameters;
        var subscriptionId = p.Required("subscription");
        var subscription = State.Subscriptions.GetValueOrDefault(subscriptionId) ?? throw StripeApiException.NoSuch("subscription", subscriptionId, "subscription");
        if (subscription.Status == "canceled")
        {
            throw StripeApiException.Invalid("subscription", $"Subscription {subscriptionId} is canceled: it has no upcoming invoice.", "invoice_upcoming_none");
        }

        var price = subscription.Price;
        if (p.String("subscription_details[items][0][price]") is { Length: > 0 } priceId)
        {
            if (p.String("subscription_details[items][0][id]") != subscription.ItemId)
            {
                throw StripeApiException.Invalid("subscription_details[items][0][id]", "Name the subscription's item to preview a change of its price.");
            }

            price = State.FindPrice(priceId) ?? throw StripeApiException.NoSuch("price", priceId, "subscription_details[items][0][price]");
        }

        var proration = p.String("subscription_details[proration_behavior]") ?? "create_prorations";
        var at = p.Long("subscription_details[proration_date]") is { } unix and > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(unix) : State.Now;
        return Answer(request, subscriptions.Preview(subscription, price, proration, at).ToJson());
    }

    public ApiOutcome Get(StripeApiRequest request) =>
        Answer(request, Find(State.Invoices, request.Id, "invoice").ToJson());

    /// <summary>Charges the customer's current card; a decline answers 402 and still sends <c>invoice.payment_failed</c>.</summary>
    public ApiOutcome Pay(StripeApiRequest request)
    {
        var invoice = Find(State.Invoices, request.Id, "invoice");
        if (invoice.Status is not ("open" or "uncollectible"))
        {
            throw StripeApiException.Request($"Invoice {invoice.Id} is {invoice.Status} and cannot be paid.", invoice.Status == "paid" ? "invoice_already_paid" : null);
        }

        if (request.Parameters.Bool("paid_out_of_band") == true)
        {
            invoices.PaidOutOfBand(invoice, request.Events);
            subscriptions.AfterInvoicePaid(invoice, request.Events);
            return Answer(request, invoice.ToJson());
        }

        var customer = State.Customers[invoice.CustomerId];
        var charge = invoices.Collect(invoice, customer, atCheckout: false, request.Events);
        if (charge is { Decline: { } decline })
        {
            return ApiOutcome.Refused(StripeApiException.CardDeclined(decline, charge.Id), request.Events);
        }

        subscriptions.AfterInvoicePaid(invoice, request.Events);
        return Answer(request, invoice.ToJson());
    }

    public ApiOutcome Void(StripeApiRequest request)
    {
        var invoice = Find(State.Invoices, request.Id, "invoice");
        if (invoice.Status is not ("open" or "uncollectible"))
        {
            throw StripeApiException.Request($"Invoice {invoice.Id} is {invoice.Status}; only open or uncollectible invoices can be voided.");
        }

        invoices.Void(invoice, request.Events);
        return Answer(request, invoice.ToJson());
    }

    public ApiOutcome MarkUncollectible(StripeApiRequest request)
    {
        var invoice = Find(State.Invoices, request.Id, "invoice");
        if (invoice.Status != "open")
        {
            throw StripeApiException.Request($"Invoice {invoice.Id} is {invoice.Status}; only open invoices can be marked uncollectible.");
        }

        invoices.MarkUncollectible(invoice, request.Events);
        return Answer(request, invoice.ToJson());
    }
}
