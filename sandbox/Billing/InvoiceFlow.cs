using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>An invoice's life: draft, finalized (open), then paid, failed, void or uncollectible.</summary>
internal sealed class InvoiceFlow(SandboxState state, PaymentProcessor payments)
{
    public InvoiceRecord Draft(SubscriptionRecord subscription, CustomerRecord customer, string billingReason, List<InvoiceLineRecord> lines, DateTimeOffset periodStart, DateTimeOffset periodEnd)
    {
        var invoice = Unsaved(StripeIds.New("in"), subscription, customer, billingReason, lines, periodStart, periodEnd, spendsDiscounts: true);
        state.Invoices.Add(invoice.Id, invoice);
        subscription.LatestInvoiceId = invoice.Id;
        return invoice;
    }

    /// <summary>
    /// An invoice of the subscription that is nowhere stored, with the subscription's discounts taken off: a draft before
    /// it is kept (which <paramref name="spendsDiscounts"/>: a once discount is gone after it), or a preview.
    /// </summary>
    public InvoiceRecord Unsaved(
        string id, SubscriptionRecord subscription, CustomerRecord customer, string billingReason, List<InvoiceLineRecord> lines,
        DateTimeOffset periodStart, DateTimeOffset periodEnd, bool spendsDiscounts = false)
    {
        var (discounted, amounts) = Discounted(subscription, lines, spendsDiscounts);
        return new()
        {
            Id = id,
            Sequence = state.NextSequence(),
            Created = state.Now,
            CustomerId = customer.Id,
            CustomerEmail = customer.Email,
            CustomerName = customer.Name,
            SubscriptionId = subscription.Id,
            SubscriptionMetadata = new Dictionary<string, string>(subscription.Metadata),
            BillingReason = billingReason,
            Currency = subscription.Price.Currency,
            Lines = discounted,
            DiscountAmounts = amounts,
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            HostedUrl = $"{state.PublicBaseUrl}/sandbox/invoices/{id}",
            AmountDue = discounted.Sum(l => l.Amount) - amounts.Sum(a => a.Amount),
        };
    }

    /// <summary>
    /// The lines with what the subscription's discounts take off those that take discounts (not prorations), in order, each
    /// from what the ones before left, spread over the lines in proportion (the rounding on the last); and each discount's
    /// total. As at Stripe, a repeating discount is gone once its end has passed, and a once discount once it took
    /// something off an invoice (only when <paramref name="spends"/>: a preview spends nothing).
    /// </summary>
    private (List<InvoiceLineRecord> Lines, List<InvoiceDiscountAmount> Totals) Discounted(SubscriptionRecord subscription, List<InvoiceLineRecord> lines, bool spends)
    {
        if (spends)
        {
            subscription.Discounts.RemoveAll(d => d.End is { } end && end <= state.Now);
        }

        var left = lines.Select(l => l.Proration ? 0 : Math.Max(0, l.Amount)).ToArray();
        var taken = lines.Select(_ => new List<InvoiceDiscountAmount>()).ToArray();
        var totals = new List<InvoiceDiscountAmount>();
        foreach (var discount in subscription.Discounts.Where(d => d.End is not { } end || end > state.Now).ToList())
        {
            var (before, off) = (left.Sum(), discount.Coupon.Off(left.Sum(), subscription.Price.Currency));
            if (off <= 0)
            {
                continue;
            }

            var last = Array.FindLastIndex(left, amount => amount > 0);
            var spread = 0L;
            for (var i = 0; i <= last; i++)
            {
                var share = Math.Min(left[i], i == last ? off - spread : (long)Math.Round((decimal)off * left[i] / before, MidpointRounding.AwayFromZero));
                if (share > 0)
                {
                    taken[i].Add(new InvoiceDiscountAmount(discount.Id, share));
                    left[i] -= share;
                    spread += share;
                }
            }

            totals.Add(new InvoiceDiscountAmount(discount.Id, spread));
            if (spends && discount.Coupon.Duration == "once")
            {
                subscription.Discounts.Remove(discount);
            }
        }

        return ([.. lines.Select((line, i) => taken[i].Count == 0 ? line : line with { DiscountAmounts = taken[i] })], totals);
    }

    public static InvoiceLineRecord PeriodLine(SubscriptionRecord subscription, long amount, string description) =>
        new(StripeIds.New("il"), amount, description, subscription.PeriodStart, subscription.PeriodEnd, subscription.Price, false, subscription.Id, subscription.ItemId);

    /// <summary>
    /// Announces the draft, finalizes it with the customer's credit applied and announces that; an invoice
    /// with nothing left to pay is paid at once, as Stripe does for trials and credits.
    /// </summary>
    public void Finalize(InvoiceRecord invoice, CustomerRecord customer, EventBatch batch)
    {
        state.Emit(batch, "invoice.created", invoice.ToJson());
        customer.InvoiceCount++;
        invoice.Number = $"{customer.InvoicePrefix}-{customer.InvoiceCount:D4}";
        invoice.StartingBalance = customer.Balance;
        var afterCredit = invoice.Total + customer.Balance;
        invoice.AmountDue = Math.Max(0, afterCredit);
        customer.Balance = Math.Min(0, afterCredit);
        invoice.EndingBalance = customer.Balance;
        invoice.Status = "open";
        invoice.FinalizedAt = state.Now;
        state.Emit(batch, "invoice.finalized", invoice.ToJson());
        if (invoice.AmountDue == 0)
        {
            MarkPaid(invoice, batch);
        }
    }

    /// <summary>Charges the customer's card for an open invoice; returns the charge, or null when nothing was charged.</summary>
    public ChargeRecord? Collect(InvoiceRecord invoice, CustomerRecord customer, bool atCheckout, EventBatch batch)
    {
        if (invoice.Status is not ("open" or "uncollectible"))
        {
            return null;
        }

        invoice.AttemptCount++;
        var charge = payments.Charge(invoice, customer, atCheckout);
        if (charge.Succeeded)
        {
            invoice.AmountPaid = invoice.AmountDue;
            MarkPaid(invoice, batch);
            customer.Delinquent = state.Invoices.Values.Any(i => i.CustomerId == customer.Id && i.Status == "open");
        }
        else
        {
            // The service runs its own dunning, so Stripe is told to retry nothing: no next attempt.
            customer.Delinquent = true;
            state.Emit(batch, "invoice.payment_failed", invoice.ToJson());
        }

        return charge;
    }

    public void PaidOutOfBand(InvoiceRecord invoice, EventBatch batch)
    {
        invoice.AmountPaid = invoice.AmountDue;
        invoice.Status = "paid";
        invoice.PaidAt = state.Now;
        state.Emit(batch, "invoice.paid", invoice.ToJson());
    }

    public void Void(InvoiceRecord invoice, EventBatch batch)
    {
        invoice.Status = "void";
        invoice.VoidedAt = state.Now;
        state.Emit(batch, "invoice.voided", invoice.ToJson());
    }

    public void MarkUncollectible(InvoiceRecord invoice, EventBatch batch)
    {
        invoice.Status = "uncollectible";
        invoice.MarkedUncollectibleAt = state.Now;
        state.Emit(batch, "invoice.marked_uncollectible", invoice.ToJson());
    }

    private void MarkPaid(InvoiceRecord invoice, EventBatch batch)
    {
        invoice.Status = "paid";
        invoice.PaidAt = state.Now;
        state.Emit(batch, "invoice.paid", invoice.ToJson());
        state.Emit(batch, "invoice.payment_succeeded", invoice.ToJson());
    }
}
