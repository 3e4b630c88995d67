using OrleansBilling.Sandbox.Api;
using OrleansBilling.Sandbox.Billing;
using OrleansBilling.Sandbox.State;
using OrleansBilling.Sandbox.Webhooks;

namespace OrleansBilling.Sandbox;

/// <summary>
/// Drives the sandbox from C# the way its control endpoints do over HTTP: move the clock and run what
/// becomes due, pay a checkout or replace a card as a customer would, re-send events, and read what the
/// sandbox recorded (events, meter events, webhook delivery).
/// </summary>
public sealed class SandboxControl
{
    private readonly SandboxState state;
    private readonly BillingScheduler scheduler;
    private readonly CheckoutFlow checkout;
    private readonly InvoiceFlow invoices;
    private readonly SubscriptionFlow subscriptions;
    private readonly WebhookSender webhooks;
    private readonly SandboxRateLimit rateLimit;

    internal SandboxControl(SandboxState state, BillingScheduler scheduler, CheckoutFlow checkout, InvoiceFlow invoices, SubscriptionFlow subscriptions, WebhookSender webhooks, SandboxRateLimit rateLimit)
    {
        this.rateLimit = rateLimit;
        this.state = state;
        this.scheduler = scheduler;
        this.checkout = checkout;
        this.invoices = invoices;
        this.subscriptions = subscriptions;
        this.webhooks = webhooks;
    }

    /// <summary>The sandbox time.</summary>
    public DateTimeOffset Now => state.Clock.GetUtcNow();

    /// <summary>Every event emitted so far, oldest first.</summary>
    public IReadOnlyList<SandboxEvent> Events
    {
        get
        {
            lock (state.Gate)
            {
                return [.. state.Events.Select(ToPublic)];
            }
        }
    }

    /// <summary>
    /// Usage recorded through <c>POST /v1/billing/meter_events</c> or the v2 meter event stream, one per
    /// identifier, oldest first; <see cref="SandboxMeterEvent.Received"/> counts the reports of each.
    /// </summary>
    public IReadOnlyList<SandboxMeterEvent> MeterEvents
    {
        get
        {
            lock (state.Gate)
            {
                return [.. state.MeterEvents];
            }
        }
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> calls to the v2 meter event stream with <paramref name="status"/>
    /// (429 or 5xx) instead of recording their events, as an outage would; calls refused for their token do not
    /// use one up. Replaces any failures still planned; a count of 0 cancels them.
    /// </summary>
    public void FailNextMeterEventStreamCalls(int count, int status = 500)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (status != 429 && status is < 500 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "The meter event stream fails with 429 or a 5xx status.");
        }

        lock (state.Gate)
        {
            state.MeterEventStreamFailures = (count, status);
        }
    }

    /// <summary>How webhook delivery is going.</summary>
    public SandboxWebhookStatus WebhookStatus => webhooks.Status();

    /// <summary>
    /// Keeps every event from now on back, undelivered, until <see cref="ReleaseWebhooksAsync"/>: a backlog to deliver
    /// in a burst. False if delivery was held already.
    /// </summary>
    public bool HoldWebhooks() => webhooks.Hold();

    /// <summary>
    /// Delivers the events kept back since <see cref="HoldWebhooks"/>, <paramref name="concurrency"/> at a time and in
    /// no particular order, as Stripe delivers a backlog; answers once each had its first attempt (failures are retried
    /// as usual). The count sent.
    /// </summary>
    public Task<int> ReleaseWebhooksAsync(int concurrency) => webhooks.ReleaseAsync(concurrency);

    /// <summary>The Stripe API's rate limit and the calls it refused.</summary>
    public SandboxRateLimitStatus RateLimit => rateLimit.Status;

    /// <summary>
    /// Enforces Stripe's rate limit: at most <paramref name="requestsPerSecond"/> API calls in each second of the
    /// sandbox clock (v1 and v2, but not the v2 meter event stream, which Stripe limits apart); beyond, 429 with
    /// <c>Retry-After</c>. Null lifts the limit.
    /// </summary>
    public void LimitRequests(int? requestsPerSecond) => rateLimit.Set(requestsPerSecond);

    /// <summary>Events not yet delivered (on their way, or waiting for a retry), as Stripe's <c>pending_webhooks</c> counts them.</summary>
    public int PendingWebhooks
    {
        get
        {
            lock (state.Gate)
            {
                return state.Events.Count(e => e.PendingWebhooks > 0);
            }
        }
    }

    /// <summary>
    /// Moves the clock forward, stopping at each moment something falls due (trial warnings, renewals,
    /// cancellations at period end, session expiry) to run it and deliver its events before going on.
    /// </summary>
    public async Task<SandboxAdvanceResult> AdvanceClockAsync(TimeSpan by, CancellationToken cancellationToken = default)
    {
        var events = await scheduler.AdvanceAsync(by, cancellationToken);
        return new SandboxAdvanceResult(state.Now, [.. events.Select(ToPublic)]);
    }

    /// <summary>Pays a Checkout Session with a test card, as the customer would on the hosted page.</summary>
    /// <exception cref="KeyNotFoundException">No such session.</exception>
    /// <exception cref="InvalidOperationException">The session expired.</exception>
    public async Task<SandboxCheckoutResult> CompleteCheckoutAsync(string sessionId, string cardNumber, string? email = null, CancellationToken cancellationToken = default)
    {
        var batch = EventBatch.Automatic();
        SandboxCheckoutResult result;
        lock (state.Gate)
        {
            var session = state.CheckoutSessions.GetValueOrDefault(sessionId) ?? throw new KeyNotFoundException($"No such checkout session: '{sessionId}'");
            SandboxCardError? error = null;
            try
            {
                checkout.Complete(session, cardNumber, email, batch);
            }
            catch (StripeApiException refusal) when (refusal.Decline is { } decline)
            {
                error = new SandboxCardError(decline.Code, decline.DeclineCode, decline.Message);
            }
            catch (StripeApiException refusal)
            {
                throw new InvalidOperationException(refusal.Message, refusal);
            }

            result = new SandboxCheckoutResult(
                session.Id,
                session.Status,
                session.CustomerId,
                session.SubscriptionId,
                session.InvoiceId,
                session.SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", session.Id, StringComparison.Ordinal),
                error);
        }

        await webhooks.DeliverAsync(batch.Events, cancellationToken);
        return result;
    }

    /// <summary>
    /// Replaces a customer's card with a test card (refused cards are not saved). With
    /// <paramref name="payOpenInvoices"/>, then tries the customer's open invoices, oldest first, as the
    /// hosted portal does after a card update.
    /// </summary>
    /// <returns>Null when the card was saved, else why it was refused.</returns>
    /// <exception cref="KeyNotFoundException">No such customer.</exception>
    public async Task<SandboxCardError?> ReplaceCardAsync(string customerId, string cardNumber, bool payOpenInvoices = false, CancellationToken cancellationToken = default)
    {
        var batch = EventBatch.Automatic();
        SandboxCardError? error = null;
        lock (state.Gate)
        {
            var customer = state.Customers.GetValueOrDefault(customerId) ?? throw new KeyNotFoundException($"No such customer: '{customerId}'");
            var number = TestCards.Normalize(cardNumber);
            if (TestCards.RefusalOnSave(number) is { } decline)
            {
                error = new SandboxCardError(decline.Code, decline.DeclineCode, decline.Message);
            }
            else
            {
                var before = customer.ToJson();
                customer.Card = new CardRecord(number, StripeIds.New("pm", 14));
                var after = customer.ToJson();
                state.Emit(batch, "customer.updated", after, StripeJson.PreviousAttributes(before, after));
                if (payOpenInvoices)
                {
                    PayOpenInvoices(customer, batch);
                }
            }
        }

        await webhooks.DeliverAsync(batch.Events, cancellationToken);
        return error;
    }

    /// <summary>
    /// What a customer does with a subscription on the portal page of <paramref name="sessionId"/>, as far as
    /// its configuration allows: <c>cancel</c> (at the period end or at once, as configured), <c>renew</c>
    /// (undo a cancellation at the period end) or <c>switch</c> to <paramref name="priceId"/> (prorated as
    /// configured). Answers what went wrong, or null.
    /// </summary>
    internal async Task<string?> ChangeFromPortalAsync(string sessionId, string action, string? subscriptionId, string? priceId, CancellationToken cancellationToken)
    {
        var batch = EventBatch.Automatic();
        string? error;
        lock (state.Gate)
        {
            error = ChangeFromPortal(sessionId, action, subscriptionId, priceId, batch);
        }

        await webhooks.DeliverAsync(batch.Events, cancellationToken);
        return error;
    }

    /// <summary>
    /// The customer's bank disputes a charge (<c>charge.dispute.created</c>); with <paramref name="closeAs"/>
    /// (<c>won</c> or <c>lost</c>) an open dispute of the charge is closed instead (<c>charge.dispute.closed</c>).
    /// </summary>
    /// <returns>The dispute's id.</returns>
    /// <exception cref="KeyNotFoundException">No such charge, or no open dispute to close.</exception>
    public async Task<string> DisputeAsync(string chargeId, string reason = "fraudulent", string? closeAs = null, CancellationToken cancellationToken = default)
    {
        var batch = EventBatch.Automatic();
        string id;
        lock (state.Gate)
        {
            var charge = state.Charges.GetValueOrDefault(chargeId) ?? throw new KeyNotFoundException($"No such charge: '{chargeId}'");
            if (closeAs is null)
            {
                var dispute = new DisputeRecord { Id = StripeIds.New("dp"), Created = state.Now, Charge = charge, Reason = reason };
                state.Disputes.Add(dispute.Id, dispute);
                charge.Disputed = true;
                state.Emit(batch, "charge.dispute.created", dispute.ToJson());
                id = dispute.Id;
            }
            else
            {
                var open = state.Disputes.Values.FirstOrDefault(d => d.Charge == charge && d.Status == "needs_response")
                    ?? throw new KeyNotFoundException($"Charge '{chargeId}' has no open dispute.");
                open.Status = closeAs;
                state.Emit(batch, "charge.dispute.closed", open.ToJson());
                id = open.Id;
            }
        }

        await webhooks.DeliverAsync(batch.Events, cancellationToken);
        return id;
    }

    /// <summary>
    /// Sends every event so far again, freshly signed, optionally shuffled and with extra copies of each,
    /// to prove the receiver copes with Stripe's at-least-once, unordered delivery. Failures are not retried.
    /// </summary>
    public async Task<SandboxRedeliveryResult> RedeliverAsync(bool shuffle, int duplicates, int? seed = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(duplicates);
        List<EventRecord> deliveries;
        lock (state.Gate)
        {
            deliveries = [.. state.Events.SelectMany(e => Enumerable.Repeat(e, duplicates + 1))];
        }

        if (shuffle)
        {
            var random = seed is { } value ? new Random(value) : Random.Shared;
            var array = deliveries.ToArray();
            random.Shuffle(array);
            deliveries = [.. array];
        }

        var succeeded = 0;
        foreach (var delivery in deliveries)
        {
            if (await webhooks.SendOnceAsync(delivery, cancellationToken))
            {
                succeeded++;
            }
        }

        return new SandboxRedeliveryResult(deliveries.Count, succeeded);
    }

    internal static SandboxEvent ToPublic(EventRecord record) =>
        new(record.Id, record.Type, record.Created, record.ObjectId, record.Payload);

    private void PayOpenInvoices(CustomerRecord customer, EventBatch batch)
    {
        var open = state.Invoices.Values
            .Where(i => i.CustomerId == customer.Id && i.Status == "open")
            .OrderBy(i => i.Sequence)
            .ToList();
        foreach (var invoice in open)
        {
            if (invoices.Collect(invoice, customer, atCheckout: false, batch) is { Succeeded: true })
            {
                subscriptions.AfterInvoicePaid(invoice, batch);
            }
        }
    }

    private string? ChangeFromPortal(string sessionId, string action, string? subscriptionId, string? priceId, EventBatch batch)
    {
        var session = state.PortalSessions.GetValueOrDefault(sessionId) ?? throw new KeyNotFoundException($"No such portal session: '{sessionId}'");
        var configuration = state.PortalConfigurations[session.ConfigurationId];
        if (subscriptionId is null || state.Subscriptions.GetValueOrDefault(subscriptionId) is not { } subscription || subscription.CustomerId != session.CustomerId)
        {
            return "That subscription is not one of yours.";
        }

        try
        {
            switch (action)
            {
                case "cancel" when configuration.CancelEnabled && configuration.CancelMode == "immediately":
                    subscriptions.CancelNow(subscription, invoiceNow: false, batch);
                    return null;
                case "cancel" when configuration.CancelEnabled:
                    subscriptions.Update(subscription, new SubscriptionChange(true, null, "none", null, null, false), batch);
                    return null;
                case "renew" when configuration.CancelEnabled:
                    subscriptions.Update(subscription, new SubscriptionChange(false, null, "none", null, null, false), batch);
                    return null;
                case "switch" when configuration.SwitchTargets(subscription, state.FindPrice).FirstOrDefault(p => p.Id == priceId) is { } price:
                    subscriptions.Update(subscription, new SubscriptionChange(null, price, configuration.UpdateProrationBehavior, null, null, false), batch);
                    return null;
                default:
                    return PortalConfigurationRecord.NotOffered;
            }
        }
        catch (StripeApiException ex)
        {
            return ex.Message;
        }
    }
}
