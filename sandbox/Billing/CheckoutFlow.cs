using OrleansBilling.Sandbox.Api;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>Completing or expiring a Checkout Session, with the events Stripe sends for it.</summary>
internal sealed class CheckoutFlow(SandboxState state, SubscriptionFlow subscriptions, InvoiceFlow invoices)
{
    /// <summary>
    /// Pays with a test card: the customer (made if the session had none) saves the card, the subscription
    /// starts and its first invoice is paid. A declined card leaves the session open and throws a card error.
    /// Completing an already complete session answers it again, so a double submit is harmless.
    /// </summary>
    public CheckoutSessionRecord Complete(CheckoutSessionRecord session, string cardNumber, string? email, EventBatch batch)
    {
        if (session.Status == "complete")
        {
            return session;
        }

        if (session.Status != "open")
        {
            throw StripeApiException.Request($"Checkout Session {session.Id} is {session.Status} and can no longer be paid.");
        }

        var number = TestCards.Normalize(cardNumber);
        if ((TestCards.RefusalOnSave(number) ?? TestCards.RefusalOnCharge(number, atCheckout: true)) is { } decline)
        {
            session.LastError = decline.Message;
            throw StripeApiException.CardDeclined(decline, null);
        }

        session.LastError = null;
        var isNew = session.CustomerId is null;
        var given = string.IsNullOrWhiteSpace(email) ? session.CustomerEmail : email.Trim();
        var customer = isNew ? state.AddCustomer(given, null) : state.Customers[session.CustomerId!];

        customer.Card = new CardRecord(number, StripeIds.New("pm", 14));

        // As Stripe does: a customer without an address gets the one entered at checkout.
        var before = isNew ? null : customer.ToJson();
        if (!isNew && customer.Email is null && given is not null)
        {
            customer.Email = given;
        }

        var subscription = subscriptions.Start(customer, session);
        var invoice = subscriptions.DraftFirstInvoice(subscription, customer);
        session.Status = "complete";
        session.PaymentStatus = session.AmountTotal == 0 ? "no_payment_required" : "paid";
        session.CustomerId = customer.Id;
        session.CompletedEmail = customer.Email ?? session.CustomerEmail;
        session.SubscriptionId = subscription.Id;
        session.InvoiceId = invoice.Id;

        if (isNew)
        {
            state.Emit(batch, "customer.created", customer.ToJson());
        }
        else if (before is not null && StripeJson.PreviousAttributes(before, customer.ToJson()) is { Count: > 0 } previous)
        {
            state.Emit(batch, "customer.updated", customer.ToJson(), previous);
        }

        state.Emit(batch, "checkout.session.completed", session.ToJson());
        state.Emit(batch, "customer.subscription.created", subscription.ToJson());
        invoices.Finalize(invoice, customer, batch);
        invoices.Collect(invoice, customer, atCheckout: true, batch);
        return session;
    }

    public void Expire(CheckoutSessionRecord session, EventBatch batch)
    {
        if (session.Status != "open")
        {
            throw StripeApiException.Request($"Only Checkout Sessions with a status of open can be expired; {session.Id} is {session.Status}.");
        }

        session.Status = "expired";
        state.Emit(batch, "checkout.session.expired", session.ToJson());
    }
}
