using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>Charges a customer's saved card for an invoice: one payment intent per invoice, one charge per attempt.</summary>
internal sealed class PaymentProcessor(SandboxState state)
{
    private static readonly CardDecline NoCard = new("card_declined", "generic_decline", "The customer has no saved card.");

    public ChargeRecord Charge(InvoiceRecord invoice, CustomerRecord customer, bool atCheckout)
    {
        var now = state.Now;
        if (invoice.PaymentIntentId is null || !state.PaymentIntents.TryGetValue(invoice.PaymentIntentId, out var intent))
        {
            intent = new PaymentIntentRecord
            {
                Id = StripeIds.New("pi"),
                Created = now,
                Amount = invoice.AmountDue,
                Currency = invoice.Currency,
                CustomerId = customer.Id,
                InvoiceId = invoice.Id,
            };
            state.PaymentIntents.Add(intent.Id, intent);
            invoice.PaymentIntentId = intent.Id;
            invoice.InvoicePaymentId = StripeIds.New("inpay");
        }

        var card = customer.Card ?? new CardRecord("0000", "pm_none");
        var decline = customer.Card is null ? NoCard : TestCards.RefusalOnCharge(card.Number, atCheckout);
        var charge = new ChargeRecord
        {
            Id = StripeIds.New("ch"),
            Created = now,
            Amount = invoice.AmountDue,
            Currency = invoice.Currency,
            CustomerId = customer.Id,
            PaymentIntentId = intent.Id,
            Card = card,
            Decline = decline,
        };
        state.Charges.Add(charge.Id, charge);

        intent.LatestChargeId = charge.Id;
        intent.PaymentMethodId = card.PaymentMethodId;
        intent.LastError = decline;
        intent.Status = decline is null ? "succeeded" : "requires_payment_method";
        return charge;
    }
}
