using System.Globalization;
using System.Text.Json.Nodes;
using OrleansBilling.Sandbox.Api;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>A subscription's life: start, changes, renewals, trial end, pause, cancellation.</summary>
internal sealed class SubscriptionFlow(SandboxState state, InvoiceFlow invoices)
{
    private static readonly TimeSpan TrialWarning = TimeSpan.FromDays(3);
    private static readonly TimeSpan PendingUpdateLifetime = TimeSpan.FromHours(23);

    /// <summary>The subscription a completed checkout starts: its prices, trial, metadata and billing mode.</summary>
    public SubscriptionRecord Start(CustomerRecord customer, CheckoutSessionRecord session)
    {
        var (price, meteredPrices, trialDays) = (session.Price, session.MeteredPrices, session.TrialPeriodDays);
        var now = state.Now;
        var trial = trialDays > 0;
        var periodEnd = trial ? now.AddDays(trialDays!.Value) : Intervals.After(price.Interval, now);
        var subscription = new SubscriptionRecord
        {
            Id = StripeIds.New("sub"),
            Sequence = state.NextSequence(),
            Created = now,
            CustomerId = customer.Id,
            ItemId = StripeIds.New("si", 14),
            ItemCreated = now,
            Price = price,
            MeteredItems = [.. meteredPrices.Select(metered => new MeteredItem(StripeIds.New("si", 14), metered, now))],
            BillingMode = session.BillingMode,
            PeriodStart = now,
            PeriodEnd = periodEnd,
            Status = trial ? "trialing" : "active",
            Metadata = new Dictionary<string, string>(session.SubscriptionMetadata),
            TrialStart = trial ? now : null,
            TrialEnd = trial ? periodEnd : null,
        };
        state.Subscriptions.Add(subscription.Id, subscription);
        return subscription;
    }

    public InvoiceRecord DraftFirstInvoice(SubscriptionRecord subscription, CustomerRecord customer)
    {
        var trial = subscription.Status == "trialing";
        var line = InvoiceFlow.PeriodLine(
            subscription,
            trial ? 0 : subscription.Price.UnitAmount,
            trial ? $"Trial period for {subscription.Price.ProductName}" : PeriodDescription(subscription.Price));
        return invoices.Draft(subscription, customer, "subscription_create", [line], state.Now, state.Now);
    }

    public void Update(SubscriptionRecord subscription, SubscriptionChange change, EventBatch batch)
    {
        if (subscription.Status == "canceled" && !change.OnlyMetadata)
        {
            throw StripeApiException.Request("A canceled subscription can only update its cancellation_details and metadata.");
        }

        var before = subscription.ToJson();
        var customer = state.Customers[subscription.CustomerId];

        if (change.Metadata is { } metadata)
        {
            subscription.Metadata = Metadata.Merge(subscription.Metadata, metadata);
        }

        if (change.Discounts is { } discounts)
        {
            subscription.Discounts = [.. discounts.Select(choice => choice.Kept ?? Apply(choice.Coupon!, subscription))];
        }

        if (change.CancelAtPeriodEnd is { } cancel && cancel != subscription.CancelAtPeriodEnd)
        {
            subscription.CancelAtPeriodEnd = cancel;
            subscription.CancelAt = cancel ? subscription.PeriodEnd : null;
            subscription.CanceledAt = cancel ? state.Now : null;
            subscription.CancellationReason = cancel ? "cancellation_requested" : null;
        }

        // Metered items bill in arrears from the meter. One taken off bills its usage so far on the next invoice in
        // flexible billing mode (unless proration_behavior=none); in classic mode that usage goes unbilled.
        foreach (var removed in subscription.MeteredItems.Where(item => change.RemovedItemIds.Contains(item.Id)))
        {
            if (subscription.BillingMode == "flexible" && change.ProrationBehavior != "none" && subscription.Status != "trialing")
            {
                subscription.PendingLines.AddRange(MeteredUsage.Lines(state, subscription, [removed], subscription.PeriodStart, state.Now));
            }
        }

        subscription.MeteredItems.RemoveAll(item => change.RemovedItemIds.Contains(item.Id));
        subscription.MeteredItems.AddRange(change.AddedMeteredPrices.Select(metered => new MeteredItem(StripeIds.New("si", 14), metered, state.Now)));

        var priceBefore = subscription.Price;
        InvoiceRecord? prorationInvoice = null;
        if (change.NewPrice is { } price && price.Id != subscription.Price.Id)
        {
            prorationInvoice = SwitchPrice(subscription, customer, price, change.ProrationBehavior);
        }

        // Pausing collection changes pause_collection only: the status stays, and the events are
        // customer.subscription.updated (paused/resumed are for the status "paused" a trial without
        // a payment method ends in).
        if (change.PauseBehavior is { } behavior)
        {
            subscription.PauseBehavior = behavior;
            subscription.PauseResumesAt = change.PauseResumesAt;
        }
        else if (change.Unpause)
        {
            subscription.PauseBehavior = null;
            subscription.PauseResumesAt = null;
        }

        EmitUpdated(subscription, before, batch);

        if (prorationInvoice is not null)
        {
            invoices.Finalize(prorationInvoice, customer, batch);
            var charge = invoices.Collect(prorationInvoice, customer, atCheckout: false, batch);
            if (charge is { Succeeded: false } && change.PaymentBehavior == "pending_if_incomplete")
            {
                // As at Stripe: the subscription keeps its price and status; the new price waits for the invoice
                // to be paid within 23 hours.
                var beforePending = subscription.ToJson();
                subscription.PendingUpdate = new PendingPriceChange(subscription.Price, prorationInvoice.Id, state.Now + PendingUpdateLifetime);
                subscription.Price = priceBefore;
                EmitUpdated(subscription, beforePending, batch);
            }
            else if (charge is { Succeeded: false })
            {
                var beforeFailure = subscription.ToJson();
                subscription.Status = "past_due";
                EmitUpdated(subscription, beforeFailure, batch);
            }
        }
    }

    public void Resume(SubscriptionRecord subscription, EventBatch batch)
    {
        if (subscription.Status != "paused")
        {
            throw StripeApiException.Request($"Subscription {subscription.Id} cannot be resumed because it is not paused (status: {subscription.Status}).");
        }

        var before = subscription.ToJson();
        subscription.PauseBehavior = null;
        subscription.Status = "active";
        EmitUpdated(subscription, before, batch);
        state.Emit(batch, "customer.subscription.resumed", subscription.ToJson());
    }

    public void CancelNow(SubscriptionRecord subscription, bool invoiceNow, EventBatch batch)
    {
        if (subscription.Status == "canceled")
        {
            throw StripeApiException.Request($"Subscription {subscription.Id} is already canceled.");
        }

        var now = state.Now;
        if (invoiceNow)
        {
            // invoice_now: the metered usage so far (and what waits for the next invoice) is billed at once; without
            // it, as at Stripe, it is discarded.
            FinalInvoice(subscription, now, batch);
        }

        subscription.Status = "canceled";
        subscription.CanceledAt ??= now;
        subscription.EndedAt = now;
        subscription.CancellationReason = "cancellation_requested";
        state.Emit(batch, "customer.subscription.deleted", subscription.ToJson());
    }

    /// <summary>Past due turns active once no invoice of the subscription is left open; a pending price change whose invoice is paid applies.</summary>
    public void AfterInvoicePaid(InvoiceRecord invoice, EventBatch batch)
    {
        var subscription = state.Subscriptions[invoice.SubscriptionId];
        if (subscription.PendingUpdate is { } pending && pending.InvoiceId == invoice.Id)
        {
            var beforeApplied = subscription.ToJson();
            subscription.Price = pending.Price;
            subscription.PendingUpdate = null;
            EmitUpdated(subscription, beforeApplied, batch);
        }

        if (subscription.Status == "past_due" && !HasOpenInvoice(subscription))
        {
            var before = subscription.ToJson();
            subscription.Status = "active";
            EmitUpdated(subscription, before, batch);
        }
    }

    /// <summary>When this subscription next needs the clock: a trial warning or its period end.</summary>
    public DateTimeOffset? NextDue(SubscriptionRecord subscription)
    {
        if (subscription.Status == "canceled")
        {
            return null;
        }

        return new[] { TrialWarningDue(subscription), subscription.PauseResumesAt, subscription.PendingUpdate?.ExpiresAt, subscription.PeriodEnd }.Where(at => at is not null).Min();
    }

    /// <summary>Does the one thing that is due now, if any.</summary>
    public void RunDue(SubscriptionRecord subscription, EventBatch batch)
    {
        var now = state.Now;
        if (TrialWarningDue(subscription) is { } warning && warning <= now)
        {
            subscription.TrialWillEndSent = true;
            state.Emit(batch, "customer.subscription.trial_will_end", subscription.ToJson());
            return;
        }

        if (subscription.PendingUpdate is { } lapsed && lapsed.ExpiresAt <= now)
        {
            // Not paid in time: the pending change is discarded and its invoice voided.
            var pending = subscription.ToJson();
            subscription.PendingUpdate = null;
            if (state.Invoices.GetValueOrDefault(lapsed.InvoiceId) is { Status: "open" } unpaid)
            {
                invoices.Void(unpaid, batch);
            }

            EmitUpdated(subscription, pending, batch);
            return;
        }

        if (subscription.PauseResumesAt <= now)
        {
            var paused = subscription.ToJson();
            subscription.PauseBehavior = null;
            subscription.PauseResumesAt = null;
            EmitUpdated(subscription, paused, batch);
            return;
        }

        if (subscription.Status == "canceled" || subscription.PeriodEnd > now)
        {
            return;
        }

        if (subscription.CancelAtPeriodEnd)
        {
            // As at Stripe: the last period's metered usage is charged in a final invoice.
            FinalInvoice(subscription, subscription.PeriodEnd, batch);
            subscription.Status = "canceled";
            subscription.EndedAt = subscription.PeriodEnd;
            state.Emit(batch, "customer.subscription.deleted", subscription.ToJson());
        }
        else if (subscription.Status == "paused")
        {
            // The status Stripe gives a trial that ended without a payment method: nothing is invoiced.
            var before = subscription.ToJson();
            subscription.PeriodStart = subscription.PeriodEnd;
            subscription.PeriodEnd = Intervals.After(subscription.Price.Interval, subscription.PeriodStart);
            EmitUpdated(subscription, before, batch);
        }
        else
        {
            Renew(subscription, batch);
        }
    }

    /// <summary>A new discount of <paramref name="coupon"/> on the subscription, from now; a repeating one ends after its months.</summary>
    private DiscountRecord Apply(CouponRecord coupon, SubscriptionRecord subscription)
    {
        var now = state.Now;
        var discount = new DiscountRecord(
            StripeIds.New("di"), coupon, subscription.CustomerId, subscription.Id, now,
            coupon is { Duration: "repeating", DurationInMonths: { } months } ? now.AddMonths(months) : null);
        coupon.TimesRedeemed++;
        state.Discounts.Add(discount.Id, discount);
        return discount;
    }

    private static string PeriodDescription(SandboxPrice price) =>
        string.Create(CultureInfo.InvariantCulture, $"1 × {price.ProductName} (at {price.UnitAmount / 100m:0.00} {price.Currency.ToUpperInvariant()} / {price.Interval})");

    private static DateTimeOffset? TrialWarningDue(SubscriptionRecord subscription) =>
        subscription is { Status: "trialing", TrialWillEndSent: false, TrialEnd: { } end, TrialStart: { } start }
            ? (end - TrialWarning > start ? end - TrialWarning : start)
            : null;

    private void Renew(SubscriptionRecord subscription, EventBatch batch)
    {
        var before = subscription.ToJson();
        var customer = state.Customers[subscription.CustomerId];
        var previousStart = subscription.PeriodStart;
        var previousEnd = subscription.PeriodEnd;
        subscription.PeriodStart = previousEnd;
        subscription.PeriodEnd = Intervals.After(subscription.Price.Interval, previousEnd);

        // The new period is billed in advance, the past period's metered usage in arrears (none for a trial: as at
        // Stripe, usage during a trial does not count), with what waited for this invoice.
        List<InvoiceLineRecord> lines =
        [
            InvoiceFlow.PeriodLine(subscription, subscription.Price.UnitAmount, PeriodDescription(subscription.Price)),
            .. UsageUpTo(subscription, previousStart, previousEnd, trial: before["status"]?.GetValue<string>() == "trialing"),
        ];
        var invoice = invoices.Draft(subscription, customer, "subscription_cycle", lines, previousStart, previousEnd);
        switch (subscription.PauseBehavior)
        {
            case "keep_as_draft":
                break;
            case "void":
                invoices.Finalize(invoice, customer, batch);
                if (invoice.Status == "open")
                {
                    invoices.Void(invoice, batch);
                }

                break;
            case "mark_uncollectible":
                invoices.Finalize(invoice, customer, batch);
                if (invoice.Status == "open")
                {
                    invoices.MarkUncollectible(invoice, batch);
                }

                break;
            default:
                invoices.Finalize(invoice, customer, batch);
                invoices.Collect(invoice, customer, atCheckout: false, batch);
                break;
        }

        subscription.Status = HasOpenInvoice(subscription) ? "past_due" : "active";
        EmitUpdated(subscription, before, batch);
    }

    private InvoiceRecord? SwitchPrice(SubscriptionRecord subscription, CustomerRecord customer, SandboxPrice price, string prorationBehavior)
    {
        var now = state.Now;
        var old = subscription.Price;
        subscription.Price = price;
        if (prorationBehavior != "always_invoice" || subscription.Status == "trialing")
        {
            return null;
        }

        return invoices.Draft(subscription, customer, "subscription_update", ProrationLines(subscription, old, price, now), now, now);
    }

    /// <summary>
    /// Stripe's two proration lines for a price change at <paramref name="at"/>: the unused time on the old price
    /// credited, the remaining time on the new price charged, each its share of the period.
    /// </summary>
    public static List<InvoiceLineRecord> ProrationLines(SubscriptionRecord subscription, SandboxPrice old, SandboxPrice price, DateTimeOffset at)
    {
        var period = (subscription.PeriodEnd - subscription.PeriodStart).TotalSeconds;
        var left = Math.Clamp((subscription.PeriodEnd - at).TotalSeconds, 0, period);
        var share = period > 0 ? left / period : 0;
        var since = at.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        return
        [
            new(StripeIds.New("il"), -(long)Math.Round(old.UnitAmount * share), $"Unused time on {old.ProductName} after {since}", at, subscription.PeriodEnd, old, true, subscription.Id, subscription.ItemId),
            new(StripeIds.New("il"), (long)Math.Round(price.UnitAmount * share), $"Remaining time on {price.ProductName} after {since}", at, subscription.PeriodEnd, price, true, subscription.Id, subscription.ItemId),
        ];
    }

    /// <summary>
    /// What Stripe would invoice next if the subscription moved to <paramref name="price"/> now: the proration
    /// lines (unless <paramref name="prorationBehavior"/> is none, or the subscription is trialing) and the
    /// next period at the new price. Nothing is stored.
    /// </summary>
    public InvoiceRecord Preview(SubscriptionRecord subscription, SandboxPrice price, string prorationBehavior, DateTimeOffset at)
    {
        var customer = state.Customers[subscription.CustomerId];
        var nextStart = subscription.PeriodEnd;
        var nextEnd = Intervals.After(price.Interval, nextStart);
        var lines = prorationBehavior == "none" || subscription.Status == "trialing" || price.Id == subscription.Price.Id
            ? []
            : ProrationLines(subscription, subscription.Price, price, at);
        lines.Add(new InvoiceLineRecord(StripeIds.New("il"), price.UnitAmount, PeriodDescription(price), nextStart, nextEnd, price, false, subscription.Id, subscription.ItemId));
        return invoices.Unsaved("upcoming_" + StripeIds.New("in"), subscription, customer, "upcoming", lines, subscription.PeriodStart, subscription.PeriodEnd);
    }

    /// <summary>The metered usage of the period up to <paramref name="end"/> and the lines waiting for the next invoice, which it takes.</summary>
    private List<InvoiceLineRecord> UsageUpTo(SubscriptionRecord subscription, DateTimeOffset start, DateTimeOffset end, bool trial)
    {
        List<InvoiceLineRecord> lines = [.. trial ? [] : MeteredUsage.Lines(state, subscription, subscription.MeteredItems, start, end), .. subscription.PendingLines];
        subscription.PendingLines.Clear();
        return lines;
    }

    /// <summary>
    /// The invoice of a subscription's end: its metered usage up to <paramref name="end"/> and what waited, charged
    /// at once; none when there is no usage to charge.
    /// </summary>
    private void FinalInvoice(SubscriptionRecord subscription, DateTimeOffset end, EventBatch batch)
    {
        var lines = UsageUpTo(subscription, subscription.PeriodStart, end, trial: subscription.Status == "trialing");
        if (lines.Sum(l => l.Quantity) == 0)
        {
            return;
        }

        var customer = state.Customers[subscription.CustomerId];
        var invoice = invoices.Draft(subscription, customer, "subscription_cycle", lines, subscription.PeriodStart, end);
        invoices.Finalize(invoice, customer, batch);
        invoices.Collect(invoice, customer, atCheckout: false, batch);
    }

    private bool HasOpenInvoice(SubscriptionRecord subscription) =>
        state.Invoices.Values.Any(i => i.SubscriptionId == subscription.Id && i.Status == "open");

    private void EmitUpdated(SubscriptionRecord subscription, JsonObject before, EventBatch batch)
    {
        var after = subscription.ToJson();
        var previous = StripeJson.PreviousAttributes(before, after);
        if (previous.Count > 0)
        {
            state.Emit(batch, "customer.subscription.updated", after, previous);
        }
    }
}
