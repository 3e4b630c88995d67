using Microsoft.Extensions.Logging;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.GrainInterfaces.Events;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Events;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Products;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Grains.Scheduling;
using OrleansBilling.Grains.Telemetry;
using OrleansBilling.Grains.Usage;

namespace OrleansBilling.Grains.Subscriptions;

/// <summary>
/// One customer's subscription, as orchestration: each call becomes a lifecycle input, the pure
/// <see cref="SubscriptionLifecycle"/> decides, the new state is persisted together with the effects
/// it brings (the outbox), and the effects then run (DESIGN.md "Decide, persist, act"). What time
/// brings (dunning steps, override expiries, effect retries) comes through the grain's one
/// <see cref="WakeUp"/>. Calls are serialized: the grain is not reentrant.
/// </summary>
[GrainType("subscription")]
public sealed partial class SubscriptionGrain(
    [PersistentState("subscription", BillingStorage.Name)] IPersistentState<SubscriptionGrainState> state,
    [PersistentState("subscription-replies", BillingStorage.Name)] IPersistentState<IdempotentReplies> replies,
    IPaymentProvider payments,
    EffectRunner effects,
    BillingMetrics metrics,
    IHistoryReader history,
    Microsoft.Extensions.Options.IOptions<EventDeliveryOptions> events,
    TimeProvider clock,
    LocalEntitlements local,
    ILogger<SubscriptionGrain> logger) : Grain, ISubscriptionGrain, IRemindable
{
    private const int HistoryKept = 20;
    private const int SentEmailsKept = 200;
    private const int RepliesKept = 500;
    private static readonly TimeSpan UsageReadPatience = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReplyLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// How long before Stripe answered a fetch (its <c>Date</c> header, on the clock its events' <c>created</c> comes from) an
    /// event must have been created for the fetch to show it: both are whole seconds, truncated, so one second of each.
    /// </summary>
    private static readonly TimeSpan ObservationMargin = TimeSpan.FromSeconds(2);

    /// <summary>An open checkout is answered again only while the customer still has this long to pay it.</summary>
    private static readonly TimeSpan CheckoutReuseMargin = TimeSpan.FromHours(1);

    private string productId = "";
    private string customerId = "";
    private CatalogCache catalogs = null!;
    private WakeUp wake = null!;

    /// <summary>Entries decided since the last write: they go to the read model with it.</summary>
    private readonly List<HistoryEntry> unpublished = [];

    /// <summary>A decision changed the subscription: the next write is a new revision, published to the read model.</summary>
    private bool dirty;

    /// <summary>Only bookkeeping changed (the outbox, the sent-log): written, but no new revision.</summary>
    private bool bookkeeping;

    /// <summary>The subscription as last written: the change a write stores, and so the events to the product, is measured from it.</summary>
    private Subscription? written;

    /// <summary>
    /// The provider's subscription as last fetched, kept to answer a later event of it that Stripe created at least
    /// <see cref="ObservationMargin"/> before it answered the fetch (both by Stripe's clock), while nothing changed here since (the revision its reconcile left)
    /// and no effect changed anything at the provider: several events of one subscription delivered together (a backlog
    /// after an outage, a burst of renewals) cost one fetch of Stripe's rate, not one each. Kept in memory only.
    /// </summary>
    private Observation? lastObservation;

    private EntitlementsView? entitlements;
    private DateTimeOffset entitlementsValidUntil;

    /// <summary>
    /// The usage notices received (<see cref="UsageChanged"/>), and how many had come when the answer held was computed: it
    /// holds only while none came since.
    /// </summary>
    private long usageNotices;
    private long entitlementsUsageNotices = -1;

    /// <summary>Deactivating: an answer still being computed is not shared with the gateway any more.</summary>
    private bool deactivating;

    private Subscription Current => state.State.Subscription ??= Subscription.New(productId, customerId);

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (productId, customerId) = BillingIds.ParseSubscriptionKey(Key);
        catalogs = new CatalogCache(GrainFactory, productId, clock);
        wake = new WakeUp(this, clock, NextDeadline, Wake, logger);
        written = state.State.Subscription;

        // Whatever fell due while the grain slept (effects left by a crash, a dunning step) is done
        // by the timer, without holding up the activation.
        wake.Resume();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        wake.Dispose();
        deactivating = true;
        local.Drop(Key);
        metrics.Outbox(Key, null);
        return Task.CompletedTask;
    }

    public Task<SubscriptionView> GetSubscription() => Task.FromResult(View());

    public Task<DunningView> GetDunning() => Task.FromResult(
        Current.Dunning is { } episode
            ? new DunningView(true, episode.Number, episode.StartedAt, episode.InvoiceId, episode.Timeline(), episode.NextDueAt, episode.GraceEnd)
            : new DunningView(false, null, null, null, [], null, null));

    /// <summary>
    /// The answer held, or computed; either way shared with this silo's gateway (<see cref="LocalEntitlements"/>) for as
    /// long as it holds, when it is held (not when usage or the catalog changed while it was computed, nor for a product
    /// without a catalog, whose answer is asked again each time). Only here: an answer computed for a change being written
    /// (<see cref="EventsOfChange"/>) is of state not yet stored.
    /// </summary>
    public async Task<EntitlementsView> GetEntitlements()
    {
        var view = entitlements is { } known && HeldAnswerStands && clock.GetUtcNow() < entitlementsValidUntil
            ? known
            : await ComputeEntitlements();
        if (ReferenceEquals(view, entitlements) && HeldAnswerStands && !deactivating)
        {
            local.Keep(Key, view, entitlementsValidUntil < catalogs.FreshUntil ? entitlementsValidUntil : catalogs.FreshUntil);
        }

        return view;
    }

    /// <summary>No usage notice came since the answer held was computed, and the catalog it was computed from is fresh.</summary>
    private bool HeldAnswerStands => entitlementsUsageNotices == usageNotices && catalogs.IsFresh;

    /// <summary>The answer held no longer holds: neither here nor in this silo's gateway.</summary>
    private void ForgetEntitlements()
    {
        entitlements = null;
        local.Drop(Key);
    }

    public Task<IReadOnlyList<HistoryEntry>> GetHistory(long? beforeSequence, int limit) =>
        history.ReadAsync(Key, beforeSequence, limit, CancellationToken.None);

    public Task<BillingPeriod> GetBillingPeriod() => Task.FromResult(UsagePeriods.Of(Current));

    /// <summary>Any notice makes the answer held stale.</summary>
    public Task UsageChanged()
    {
        usageNotices++;
        local.Drop(Key);
        return Task.CompletedTask;
    }

    public Task UsageThresholdsReached(IReadOnlyList<UsageThreshold> thresholds) => Guarded(async () =>
    {
        var period = UsagePeriods.Of(Current).CurrentStart;
        var fresh = thresholds.Where(t => t.PeriodStart == period && !state.State.UsageAlerts.Contains(AlertKey(t))).ToList();
        if (fresh.Count > 0 && await Product(refresh: false) is { } catalog)
        {
            // Only the current period's alerts are kept: a period's are never asked about once it is over.
            var current = FormattableString.Invariant($"{fresh[0].PeriodStart:O}/");
            state.State.UsageAlerts.RemoveAll(key => !key.StartsWith(current, StringComparison.Ordinal));
            foreach (var threshold in fresh)
            {
                Apply(Decide(new LifecycleInput.RecordFact(
                    $"usage-alert:{AlertKey(threshold)}", $"api:{productId}", HistoryFact.UsageThresholdReached,
                    FormattableString.Invariant($"meter={threshold.MeterId}; percent={threshold.Percent}; used={threshold.Used}; limit={threshold.Limit}; period={threshold.PeriodStart:O}")), catalog));
                state.State.UsageAlerts.Add(AlertKey(threshold));
            }

            await Settle();
        }

        return true;
    });

    private static string AlertKey(UsageThreshold threshold) => FormattableString.Invariant($"{threshold.PeriodStart:O}/{threshold.MeterId}/{threshold.Percent}");

    public Task<IReadOnlyList<EmailView>> GetEmails() => Task.FromResult<IReadOnlyList<EmailView>>(
    [
        .. state.State.Outbox.Entries.Where(e => e.Effect is Effect.SendEmail)
            .Select(e => new EmailView(Moment(((Effect.SendEmail)e.Effect).Key), false, e.Attempts, e.LastError)),
        .. state.State.SentEmails.AsEnumerable().Reverse().Select(key => new EmailView(Moment(key), true)),
    ]);

    /// <summary>A sent-log key without the subscription's own key before it.</summary>
    private string Moment(string sentLogKey) => sentLogKey.StartsWith(Key + "/", StringComparison.Ordinal) ? sentLogKey[(Key.Length + 1)..] : sentLogKey;

    public Task<IReadOnlyList<OverrideView>> GetOverrides() =>
        Task.FromResult<IReadOnlyList<OverrideView>>([.. Current.OverridesInForce(clock.GetUtcNow()).Select(o => o.View())]);

    public Task<CommandResult<CheckoutView>> StartCheckout(CheckoutRequest request, CommandContext context) =>
        Command(context, reply => reply.Checkout, (reply, result) => reply with { Checkout = result }, async () =>
        {
            if (await Product(refresh: true) is not { } catalog)
            {
                return CommandResult<CheckoutView>.Failure(UnknownProduct());
            }

            if (catalog.FindPlan(request.PlanId) is not { } plan)
            {
                return CommandResult<CheckoutView>.Failure(UnknownPlan(request.PlanId));
            }

            var (inputId, actor) = (InputId(context), Actor(context));
            switch (Decide(new LifecycleInput.StartCheckout(inputId, actor, plan.PlanId, request.Email, null, null), catalog))
            {
                case Decision.Refused refused:
                    return CommandResult<CheckoutView>.Failure(NotAllowed(refused));

                // Opened before under this key, though its answer was not kept: the same session again,
                // or, once it is over, no second one.
                case Decision.Ignored { Reason: IgnoreReason.Duplicate }:
                    return Current.CheckoutSessionId is { } open
                        ? CommandResult<CheckoutView>.Success(new CheckoutView(open, Current.CheckoutUrl ?? "", Current.State))
                        : CommandResult<CheckoutView>.Failure(new CommandError(
                            CommandErrorCode.TransitionNotAllowed, "The checkout opened under this Idempotency-Key is over.", Current.State, LifecycleTransition.CheckoutStarted));
            }

            // One checkout at a time: the same request gets the open session again; another one ends it at
            // the provider first, so two sessions can never both be paid.
            var email = request.Email ?? Current.Email;
            var fingerprint = CheckoutFingerprint($"{plan.PlanId}/{plan.ProviderPriceId}/{SubscriptionLifecycle.TrialDaysOffered(Current, plan)}", email, request.SuccessUrl, request.CancelUrl);
            if (Current is { State: SubscriptionState.Incomplete, CheckoutSessionId: { } earlier })
            {
                if (Current.CheckoutFingerprint == fingerprint && Current.CheckoutUrl is { } earlierUrl && Current.CheckoutExpiresAt - clock.GetUtcNow() > CheckoutReuseMargin)
                {
                    return CommandResult<CheckoutView>.Success(new CheckoutView(earlier, earlierUrl, Current.State));
                }

                string status;
                try
                {
                    status = await payments.ExpireCheckoutSessionAsync(earlier, ProviderKey($"checkout-{Current.CheckoutAttempts}/expire"), CancellationToken.None);
                }
                catch (PaymentProviderException ex)
                {
                    return CommandResult<CheckoutView>.Failure(ProviderFailed(ex));
                }

                switch (status)
                {
                    case "complete":
                        return CommandResult<CheckoutView>.Failure(new CommandError(
                            CommandErrorCode.TransitionNotAllowed,
                            "The customer paid the checkout opened before a moment ago: the subscription starts as soon as Stripe reports it, so no second checkout is opened.",
                            Current.State, LifecycleTransition.CheckoutStarted));
                    case not "expired":
                        // Only a session that can no longer be paid makes room for another.
                        return CommandResult<CheckoutView>.Failure(new CommandError(
                            CommandErrorCode.ProviderUnavailable, $"The checkout opened before could not be ended at the provider (it is {status}); try again.", Current.State));
                }
            }

            CheckoutSession session;
            try
            {
                session = await payments.CreateCheckoutSessionAsync(
                    new CheckoutSessionRequest(
                        productId, customerId, plan, SubscriptionLifecycle.TrialDaysOffered(Current, plan), email,
                        Current.ProviderCustomerId, request.SuccessUrl, request.CancelUrl, catalog.AllowPromotionCodes, catalog.AutomaticTax,
                        ProviderKey($"checkout-{Current.CheckoutAttempts + 1}"), catalog.MeteredPriceIds(plan.PlanId)),
                    CancellationToken.None);
            }
            catch (PaymentProviderException ex)
            {
                return CommandResult<CheckoutView>.Failure(ProviderFailed(ex));
            }

            Apply(Decide(
                new LifecycleInput.StartCheckout(inputId, actor, plan.PlanId, request.Email, session.SessionId, session.ProviderCustomerId, session.Url, fingerprint, session.ExpiresAt),
                catalog));
            return CommandResult<CheckoutView>.Success(new CheckoutView(session.SessionId, session.Url, Current.State));
        });

    public Task<CommandResult<SubscriptionView>> Cancel(bool atPeriodEnd, CommandContext context) =>
        SubscriptionCommand(
            context,
            (id, actor) => atPeriodEnd ? new LifecycleInput.ScheduleCancel(id, actor) : new LifecycleInput.EndSubscription(id, actor, "canceled_on_request"),
            atPeriodEnd ? LifecycleTransition.CancelScheduled : LifecycleTransition.Canceled);

    public Task<CommandResult<SubscriptionView>> Pause(PauseRequest request, CommandContext context) =>
        SubscriptionCommand(context, (id, actor) => new LifecycleInput.Pause(id, actor, request), LifecycleTransition.Paused, pause: request);

    public Task<CommandResult<SubscriptionView>> Resume(CommandContext context) =>
        SubscriptionCommand(context, (id, actor) => new LifecycleInput.Resume(id, actor), LifecycleTransition.CancelUndone);

    public Task<CommandResult<SubscriptionView>> ChangePlan(string planId, ProrationMode proration, CommandContext context) =>
        SubscriptionCommand(context, (id, actor) => new LifecycleInput.ChangePlan(id, actor, planId), LifecycleTransition.PlanChanged, proration);

    public Task<CommandResult<RefundView>> Refund(RefundRequest request, CommandContext context) =>
        Command(context, reply => reply.Refund, (reply, result) => reply with { Refund = result }, async () =>
        {
            if (await Product(refresh: true) is not { } catalog)
            {
                return CommandResult<RefundView>.Failure(UnknownProduct());
            }

            if (context.IdempotencyKey is not { } idempotencyKey)
            {
                return CommandResult<RefundView>.Failure(new CommandError(CommandErrorCode.InvalidRequest, "A refund needs an Idempotency-Key: money moves once.", Current.State));
            }

            var (inputId, actor) = (InputId(context), Actor(context));
            if (Current.HasApplied($"{inputId}/refund"))
            {
                return CommandResult<RefundView>.Failure(new CommandError(
                    CommandErrorCode.TransitionNotAllowed, "A refund was issued under this Idempotency-Key before (see the history); it is not repeated.", Current.State));
            }

            var cancel = request.CancelSubscription
                ? Decide(new LifecycleInput.EndSubscription($"{inputId}/cancel", actor, "refunded_and_canceled"), catalog)
                : null;
            if (cancel is Decision.Refused or Decision.Ignored)
            {
                return CommandResult<RefundView>.Failure(new CommandError(
                    CommandErrorCode.TransitionNotAllowed, $"The subscription is {Current.State}: there is no running subscription to cancel with the refund.", Current.State, LifecycleTransition.Canceled));
            }

            RefundablePayment payment;
            try
            {
                payment = await payments.GetRefundableAsync(request.InvoiceId, request.ChargeId, CancellationToken.None);
            }
            catch (PaymentProviderException ex) when (!ex.Transient)
            {
                return CommandResult<RefundView>.Failure(new CommandError(CommandErrorCode.PaymentNotFound, $"No payment {request.InvoiceId ?? request.ChargeId} to refund: {ex.Message}", Current.State));
            }
            catch (PaymentProviderException ex)
            {
                return CommandResult<RefundView>.Failure(ProviderFailed(ex));
            }

            if (payment.CustomerId is null || payment.CustomerId != Current.ProviderCustomerId)
            {
                return CommandResult<RefundView>.Failure(new CommandError(
                    CommandErrorCode.PaymentNotFound, $"The customer has no payment {request.InvoiceId ?? request.ChargeId}.", Current.State));
            }

            var amount = request.AmountMinor ?? payment.RemainingMinor;
            if (amount <= 0 || amount > payment.AmountMinor)
            {
                return CommandResult<RefundView>.Failure(NotRefundable(payment, amount, Current.State));
            }

            // What remains is Stripe's to check: a repeat of this request after a lost answer must reach Stripe
            // with the same parameters and key, and get the refund it made then, not a second one.
            ProviderRefund refund;
            try
            {
                refund = await payments.RefundAsync(Key, payment.ChargeId, request.AmountMinor, ProviderKey($"refund-{ShortHash(idempotencyKey)}"), CancellationToken.None);
            }
            catch (PaymentProviderException ex) when (ex.Code is "amount_too_large" or "charge_already_refunded")
            {
                return CommandResult<RefundView>.Failure(NotRefundable(payment, amount, Current.State));
            }
            catch (PaymentProviderException ex)
            {
                return CommandResult<RefundView>.Failure(ProviderFailed(ex));
            }

            // The charge as it is now, this refund included (however often it was asked for).
            var refundedAfter = payment.RefundedMinor + refund.AmountMinor;
            try
            {
                refundedAfter = (await payments.GetRefundableAsync(null, payment.ChargeId, CancellationToken.None)).RefundedMinor;
            }
            catch (PaymentProviderException ex)
            {
                LogRefundRecountFailed(refund.Id, ex.Message);
            }

            var view = new RefundView(
                refund.Id, payment.ChargeId, payment.InvoiceId, refund.AmountMinor, payment.Currency, refundedAfter,
                Math.Max(0, payment.AmountMinor - refundedAfter), refund.Status, Current.State);
            Apply(Decide(new LifecycleInput.IssueRefund($"{inputId}/refund", actor, view, request.Reason, refundedAfter), catalog));

            if (cancel is not null && Current.ProviderSubscriptionId is { } subscriptionId
                && Decide(new LifecycleInput.EndSubscription($"{inputId}/cancel", actor, "refunded_and_canceled"), catalog) is Decision.Applied ended)
            {
                try
                {
                    await AtProvider(LifecycleTransition.Canceled, subscriptionId, null, [], ProrationMode.None, null, invoiceUsage: false);
                }
                catch (PaymentProviderException ex)
                {
                    // The refund stands and is recorded; the cancel can be asked for again.
                    await Settle();
                    return CommandResult<RefundView>.Failure(new CommandError(
                        ProviderFailed(ex).Code, $"Refunded ({refund.Id}), but the subscription could not be canceled at the provider: {ex.Message}", Current.State));
                }

                Apply(ended);
            }

            return CommandResult<RefundView>.Success(view with { State = Current.State });
        });

    public Task<CommandResult<SubscriptionView>> RetryPayment(CommandContext context) =>
        Command(context, reply => reply.Subscription, (reply, result) => reply with { Subscription = result }, async () =>
        {
            if (await Product(refresh: true) is not { } catalog)
            {
                return CommandResult<SubscriptionView>.Failure(UnknownProduct());
            }

            if (Current is not { State: SubscriptionState.PastDue or SubscriptionState.Suspended, OpenInvoiceId: { } invoice })
            {
                return CommandResult<SubscriptionView>.Failure(new CommandError(
                    CommandErrorCode.TransitionNotAllowed, $"The subscription is {Current.State}: there is no failed payment to retry.", Current.State));
            }

            var (inputId, actor) = (InputId(context), Actor(context));
            string? declined = null;
            try
            {
                await payments.PayInvoiceAsync(invoice, ProviderKey($"retry-{ShortHash(inputId)}"), CancellationToken.None);
            }
            catch (PaymentProviderException ex) when (!ex.Transient)
            {
                declined = ex.Message;
            }
            catch (PaymentProviderException ex)
            {
                return CommandResult<SubscriptionView>.Failure(ProviderFailed(ex));
            }

            // The invoice's own events move the state (recovered, or another failed attempt); this records who asked.
            Apply(Decide(new LifecycleInput.RecordFact($"{inputId}/retry", actor, HistoryFact.PaymentRetried, $"invoice={invoice}; {(declined is null ? "paid" : $"declined: {declined}")}"), catalog));
            return declined is null
                ? CommandResult<SubscriptionView>.Success(View())
                : CommandResult<SubscriptionView>.Failure(new CommandError(CommandErrorCode.PaymentDeclined, $"The retry of {invoice} was declined: {declined}", Current.State));
        });

    public Task<CommandResult<SubscriptionView>> SchedulePlanChange(string planId, CommandContext context) =>
        PriceCommand(context, (id, actor) => new LifecycleInput.SchedulePlanChange(id, actor, planId));

    public Task<CommandResult<SubscriptionView>> UnschedulePlanChange(CommandContext context) =>
        PriceCommand(context, (id, actor) => new LifecycleInput.UnschedulePlanChange(id, actor));

    /// <summary>
    /// Schedules or withdraws a plan change for the period end: decided first, then the provider bills the
    /// next period at the price of the plan the customer will be on (no proration: this period is paid),
    /// then applied.
    /// </summary>
    private Task<CommandResult<SubscriptionView>> PriceCommand(CommandContext context, Func<string, string, LifecycleInput> input) =>
        Command(context, reply => reply.Subscription, (reply, result) => reply with { Subscription = result }, async () =>
        {
            if (await Product(refresh: true) is not { } catalog)
            {
                return CommandResult<SubscriptionView>.Failure(UnknownProduct());
            }

            switch (Decide(input(InputId(context), Actor(context)), catalog))
            {
                case Decision.Refused refused:
                    return CommandResult<SubscriptionView>.Failure(NotAllowed(refused));
                case Decision.Rejected rejected:
                    return CommandResult<SubscriptionView>.Failure(new CommandError(rejected.Code, rejected.Explanation, Current.State));
                case Decision.Applied applied:
                    if (Current.ProviderSubscriptionId is not { } subscriptionId
                        || catalog.FindPlan(applied.Next.PendingChange?.PlanId ?? applied.Next.PlanId) is not { } billed)
                    {
                        return CommandResult<SubscriptionView>.Failure(new CommandError(
                            CommandErrorCode.InvalidRequest, "The plan to bill next is not in the catalog, or the customer has no subscription at the provider.", Current.State));
                    }

                    try
                    {
                        // The plan's price changes now and bills from the next period; its metered prices change
                        // when the plan does, so this period's usage is billed at the plan it was used on.
                        await payments.ChangePriceAsync(
                            subscriptionId, billed.ProviderPriceId, meteredPriceIds: null, ProrationMode.None, ProviderKey($"price-{Current.LastSequence}-{billed.PlanId}"), CancellationToken.None);
                    }
                    catch (PaymentProviderException ex)
                    {
                        return CommandResult<SubscriptionView>.Failure(ProviderFailed(ex));
                    }

                    Apply(applied);
                    break;
            }

            return CommandResult<SubscriptionView>.Success(View());
        });

    public async Task<CommandResult<PlanChangePreview>> PreviewPlanChange(string planId, ProrationMode proration)
    {
        if (await Product(refresh: true) is not { } catalog)
        {
            return CommandResult<PlanChangePreview>.Failure(UnknownProduct());
        }

        // Previewed only where the change itself would be allowed: the decider says, nothing is applied.
        switch (Decide(new LifecycleInput.ChangePlan("preview", "preview", planId), catalog))
        {
            case Decision.Rejected rejected:
                return CommandResult<PlanChangePreview>.Failure(new CommandError(rejected.Code, rejected.Explanation, Current.State));
            case Decision.Refused refused:
                return CommandResult<PlanChangePreview>.Failure(NotAllowed(refused));
        }

        if (catalog.FindPlan(planId) is not { } plan || Current.ProviderSubscriptionId is not { } subscriptionId)
        {
            return CommandResult<PlanChangePreview>.Failure(new CommandError(
                CommandErrorCode.TransitionNotAllowed, "The customer has no subscription at the provider to preview a change of.", Current.State, LifecycleTransition.PlanChanged));
        }

        try
        {
            var (prorated, nextPeriod, currency) = await payments.PreviewPriceChangeAsync(subscriptionId, plan.ProviderPriceId, CancellationToken.None);
            var (now, next) = proration switch
            {
                // A downgrade invoiced at once is a credit to the customer's balance, nothing due.
                ProrationMode.AlwaysInvoice => (Math.Max(0, prorated), nextPeriod),
                ProrationMode.None => (0L, nextPeriod),
                _ => (0L, nextPeriod + prorated),
            };
            return CommandResult<PlanChangePreview>.Success(new PlanChangePreview(
                planId, proration, currency, now, next, Current.CurrentPeriodEnd, proration == ProrationMode.None ? 0 : prorated));
        }
        catch (PaymentProviderException ex)
        {
            return CommandResult<PlanChangePreview>.Failure(ProviderFailed(ex));
        }
    }

    public Task<CommandResult<PortalView>> CreatePortalSession(string returnUrl, CommandContext context) =>
        Command(context, reply => reply.Portal, (reply, result) => reply with { Portal = result }, async () =>
        {
            if (Current.ProviderCustomerId is not { } providerCustomerId)
            {
                return CommandResult<PortalView>.Failure(new CommandError(
                    CommandErrorCode.NoBillingAccount, "The customer has no billing account yet: start a checkout first.", Current.State));
            }

            try
            {
                var configuration = await Product(refresh: true) is { } catalog ? await PortalConfiguration(catalog) : null;

                // Portal sessions are short-lived: each request gets a fresh one unless it repeats an idempotency key.
                var url = await payments.CreatePortalSessionAsync(
                    providerCustomerId, returnUrl, configuration, ProviderKey($"portal-{context.IdempotencyKey ?? Guid.NewGuid().ToString("N")}"), CancellationToken.None);
                return CommandResult<PortalView>.Success(new PortalView(url));
            }
            catch (PaymentProviderException ex)
            {
                return CommandResult<PortalView>.Failure(ProviderFailed(ex));
            }
        });

    public async Task<CommandResult<IReadOnlyList<InvoiceView>>> GetInvoices()
    {
        if (Current.ProviderCustomerId is not { } providerCustomerId)
        {
            return CommandResult<IReadOnlyList<InvoiceView>>.Success([]);
        }

        try
        {
            var invoices = await payments.ListInvoicesAsync(providerCustomerId, limit: 24, CancellationToken.None);
            return CommandResult<IReadOnlyList<InvoiceView>>.Success(
                [.. invoices.Select(i => new InvoiceView(i.Id, i.Status, i.AmountDue, i.AmountPaid, i.Currency, i.Created, i.PeriodStart, i.PeriodEnd, i.HostedUrl))]);
        }
        catch (PaymentProviderException ex)
        {
            return CommandResult<IReadOnlyList<InvoiceView>>.Failure(ProviderFailed(ex));
        }
    }

    public Task<CommandResult<OverrideView>> GrantOverride(OverrideRequest request, CommandContext context) =>
        OverrideCommand(context, (id, actor) => new LifecycleInput.GrantOverride(id, actor, request), refresh: true);

    public Task<CommandResult<OverrideView>> RemoveOverride(string overrideId, CommandContext context) =>
        OverrideCommand(context, (id, actor) => new LifecycleInput.RemoveOverride(id, actor, overrideId), refresh: false);

    public Task<EventOutcome> ApplyProviderEvent(ProviderEvent providerEvent) => Guarded(() => Receive(providerEvent), keepsObservation: true);

    private async Task<EventOutcome> Receive(ProviderEvent providerEvent)
    {
        if (lastObservation is { Revision: null })
        {
            // A fetch whose call did not settle (it failed, or was canceled): nothing says what it left.
            lastObservation = null;
        }

        if (await Product(refresh: false) is not { } catalog)
        {
            return new EventOutcome(EventOutcomeKind.Orphan, Current.State, null, $"Product '{productId}' is not configured here.");
        }

        if (Current.CheckoutAttempts == 0 && Current.ProviderSubscriptionId is null)
        {
            return new EventOutcome(EventOutcomeKind.Orphan, Current.State, null, "This customer never started a checkout here.");
        }

        if (Current.HasApplied(providerEvent.EventId))
        {
            return new EventOutcome(EventOutcomeKind.Duplicate, Current.State, null, $"Event {providerEvent.EventId} was applied before.");
        }

        if (providerEvent.HandledBefore && await AppliedLongAgo(providerEvent.EventId))
        {
            return new EventOutcome(EventOutcomeKind.Duplicate, Current.State, null, $"Event {providerEvent.EventId} was applied before (its history entries are published).");
        }

        // The address the provider holds comes first, so the emails of this very event can use it.
        var email = providerEvent.Email is { Length: > 0 } address
            ? Decide(new LifecycleInput.ObserveEmail($"{providerEvent.EventId}/email", LifecycleInput.Provider(providerEvent.EventId), address, providerEvent.OccurredAt), catalog)
            : null;
        Apply(email);
        if (providerEvent.Kind == ProviderEventKind.CustomerUpdated)
        {
            await Settle();
            return Outcome(email ?? new Decision.Ignored(Current, IgnoreReason.AlreadyInState, "Nothing this service keeps of the customer changed."));
        }

        Decision decision;
        try
        {
            decision = await DecideProviderEvent(providerEvent, catalog);
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            // The provider does not know the object: no retry will change that, so it is an anomaly.
            await Settle();
            return new EventOutcome(EventOutcomeKind.NotAllowed, Current.State, null, ex.Message);
        }

        Apply(decision);
        await Settle();
        if (lastObservation is { Revision: null } fetched)
        {
            fetched.Revision = state.State.Revision;
        }

        if (decision is Decision.Refused refused)
        {
            LogRefusedEvent(providerEvent.EventId, providerEvent.Kind, refused.Current, refused.Attempted);
        }

        return Outcome(decision);
    }

    /// <summary>
    /// Whether a provider event the subscription no longer remembers by id was applied: an event applied under its own id
    /// leaves history entries by its actor, published or waiting in the outbox to be (one recognised as a change applied
    /// under another id leaves none: docs/architecture.md, "Stripe webhooks"). The address an event carries is observed as
    /// an input of its own under the same actor, so its entry alone does not count.
    /// </summary>
    private async Task<bool> AppliedLongAgo(string eventId)
    {
        var actor = LifecycleInput.Provider(eventId);
        static bool OfTheEvent(string name) => name != nameof(HistoryFact.EmailAddressChanged);
        return state.State.Outbox.Entries.Any(e => e.Effect is Effect.PublishReadModel publish && publish.Entries.Any(h => h.Actor == actor && OfTheEvent(h.Name)))
            || (await history.NamesByAsync(Key, actor, CancellationToken.None)).Any(OfTheEvent);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeUp.ReminderName && await this.GetReminder(reminderName) is { } earlier)
        {
            // A reminder of an earlier version of this grain (dunning, effects, overrides): the wake-up does its work now.
            await this.UnregisterReminder(earlier);
        }

        wake.ReminderTicked();
        await Wake();
    }

    public Task CatchUp() => Wake();

    /// <summary>The wake-up: whatever time has brought is decided and done, and the wake-up armed for what is left.</summary>
    private Task Wake() => Guarded(async () =>
    {
        await Settle();
        return true;
    });

    /// <summary>
    /// Runs a call that changes the state. Should it fail after changing the state in memory (a write
    /// that failed, a provider that failed mid-way), memory goes back to what storage holds: an input
    /// that was not stored must not be answered as applied when it comes again.
    /// </summary>
    private async Task<T> Guarded<T>(Func<Task<T>> call, bool keepsObservation = false)
    {
        if (!keepsObservation)
        {
            // A command or a wake-up may change the subscription at the provider.
            lastObservation = null;
        }

        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await ForgetUnsaved(ex);
            throw;
        }
    }

    private async Task ForgetUnsaved(Exception cause)
    {
        unpublished.Clear();
        dirty = bookkeeping = false;
        ForgetEntitlements();
        lastObservation = null;
        try
        {
            await state.ReadStateAsync();
            await replies.ReadStateAsync();
            written = state.State.Subscription;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage is out of reach too: a new activation will read it when it is back.
            LogReloadFailed(ex, Key, cause.Message);
            this.DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Decides what time has brought by now (expired overrides, due dunning steps), persists what
    /// changed, runs the due effects, and arms the wake-up for the next deadline.
    /// </summary>
    private async Task Settle()
    {
        var now = clock.GetUtcNow();
        if ((Current.Overrides.Any(o => o.ExpiresAt <= now) || Current.Dunning?.NextDueAt <= now) && await Product(refresh: false) is { } catalog)
        {
            if (Current.Overrides.Any(o => o.ExpiresAt <= now))
            {
                Apply(Decide(new LifecycleInput.ExpireOverrides($"clock:{now.ToUnixTimeMilliseconds()}"), catalog));
            }

            while (Current.Dunning is { NextStep: { } step } episode && episode.NextDueAt <= now
                && Decide(LifecycleInput.TakeDunningStep.For(episode.Number, step), catalog) is Decision.Applied taken)
            {
                Apply(taken);
            }
        }

        await Persist();
        await RunEffects();
        await wake.ArmAsync();
    }

    /// <summary>The earliest thing the grain must do by itself: a dunning step, an override's expiry, an effect's retry.</summary>
    private DateTimeOffset? NextDeadline() =>
        new[] { state.State.Outbox.NextDueAt, Current.Dunning?.NextDueAt, Current.Overrides.IsEmpty ? null : Current.Overrides.Min(o => o.ExpiresAt) }
            .Where(at => at is not null)
            .Min();

    /// <summary>Writes what changed; a new revision goes with the read-model publish of it in the outbox.</summary>
    private async Task Persist()
    {
        IReadOnlyList<HistoryEntry> stored = [];
        if (dirty)
        {
            state.State.Revision++;
            var now = clock.GetUtcNow();
            state.State.Outbox.Add(new Effect.PublishReadModel(Row(), [.. unpublished]), now);
            if (events.Value.Enabled && await EventsOfChange(now) is { Count: > 0 } made)
            {
                state.State.Outbox.Add(new Effect.PublishProductEvents(made), now);
            }

            stored = [.. unpublished];
            unpublished.Clear();
            var kept = state.State.History;
            if (kept.Count > HistoryKept)
            {
                kept.RemoveRange(0, kept.Count - HistoryKept);
            }
        }

        if (dirty || bookkeeping)
        {
            await state.WriteStateAsync();
            written = state.State.Subscription;
            if (dirty)
            {
                ForgetEntitlements();
            }

            dirty = bookkeeping = false;
            metrics.Stored(stored);
            metrics.Outbox(Key, state.State.Outbox);
        }
    }

    /// <summary>
    /// The events to the product of the change about to be written: from the subscription as last written to now, with the
    /// entitlements when what the customer may use differs from what the product was last told: read with usage, as the
    /// product would read them, unless the usage grain does not answer within <see cref="UsageReadPatience"/> (it may be on a
    /// silo that is stopping): the change must not wait or fail for that, and the event then carries no usage.
    /// </summary>
    private async Task<IReadOnlyList<ProductEvent>> EventsOfChange(DateTimeOffset now)
    {
        var before = written ?? Subscription.New(productId, customerId);
        var catalog = await Product(refresh: false);
        var fingerprint = ProductEvents.EntitlementsFingerprint(Current, catalog, now);
        EntitlementsView? changed = null;
        if (fingerprint != state.State.EntitlementsTold)
        {
            state.State.EntitlementsTold = fingerprint;
            try
            {
                changed = await ComputeEntitlements().WaitAsync(UsageReadPatience, TimeProvider.System);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogUsageUnread(ex, Key);
                changed = EntitlementRules.For(Current, catalog, state.State.Revision, new Dictionary<string, decimal>(), now);
            }
        }

        return ProductEvents.Of(new ProductEventChange(state.State.Revision, now, before, Current, [.. unpublished], changed));
    }

    /// <summary>
    /// Runs the outbox's due effects: each kind's in order, the product's events beside the rest (their store depends on no
    /// other effect, so a change waits for the slower of the two, not for both). Done ones leave the outbox; failed ones wait
    /// for a later try; an email given up on for good is recorded as not sent. The outcome is written once for the run.
    /// </summary>
    private async Task RunEffects()
    {
        var due = state.State.Outbox.Due(clock.GetUtcNow());
        if (due.Count == 0)
        {
            return;
        }

        // Both run on this activation's one thread, taking turns at their awaits: neither sees the other half-way.
        await Task.WhenAll(
            RunInOrder(due.Where(e => e.Effect is not Effect.PublishProductEvents)),
            RunInOrder(due.Where(e => e.Effect is Effect.PublishProductEvents)));
        bookkeeping = true;
        await Persist();
    }

    /// <summary>Runs effects one after another; a failed one holds back the later ones of its kind.</summary>
    private async Task RunInOrder(IEnumerable<OutboxEntry> entries)
    {
        var failed = new HashSet<Type>();
        foreach (var entry in entries.Where(e => !failed.Contains(e.Effect.GetType())))
        {
            if (entry.Effect is Effect.RetryPayment or Effect.CancelAtProvider or Effect.CancelDuplicate or Effect.ChangeMeteredPrices)
            {
                lastObservation = null;
            }

            try
            {
                var result = await effects.RunAsync(entry.Effect, CancellationToken.None);
                metrics.EffectRan(entry.Effect, done: true, gaveUp: result.GaveUpBecause is not null);
                state.State.Outbox.Done(entry);
                if (entry.Effect is Effect.SendEmail email)
                {
                    RememberSent(email.Key);
                    if (result.GaveUpBecause is { } reason && await Product(refresh: false) is { } catalog)
                    {
                        LogEmailRefused(email.Template, Key, reason);
                        Apply(Decide(new LifecycleInput.EmailGivenUp($"email-given-up:{email.Key}", email.Template, reason), catalog));
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEffectFailed(ex, entry.Effect.GetType().Name, Key);
                metrics.EffectRan(entry.Effect, done: false);
                state.State.Outbox.Failed(entry, clock.GetUtcNow(), ex.Message);

                // Later effects of the same kind wait behind it: a customer's emails keep their order.
                failed.Add(entry.Effect.GetType());
            }
        }
    }

    private void RememberSent(string key)
    {
        var sent = state.State.SentEmails;
        sent.Add(key);
        if (sent.Count > SentEmailsKept)
        {
            sent.RemoveAt(0);
        }
    }

    /// <summary>
    /// Computes the answer and keeps it until something changes it: a write, new usage, a catalog
    /// change, or the clock reaching an override's expiry, the period's end or the end of access.
    /// </summary>
    private async Task<EntitlementsView> ComputeEntitlements()
    {
        var catalog = await Product(refresh: false);
        var now = clock.GetUtcNow();
        var notices = usageNotices;
        var reading = catalog?.Meters is { Count: > 0 } && UsagePeriods.Current(Current, now) is { } period
            ? await GrainFactory.GetGrain<IUsageGrain>(Key).ReadUsage(period)
            : null;
        var computed = EntitlementRules.For(Current, catalog, state.State.Revision, reading?.Used ?? new Dictionary<string, decimal>(), now);

        // Held only when no interleaved call (another read) refreshed the catalog while usage was read: the answer of the
        // older catalog must not outlive the refresh. A usage notice in the meantime is caught by the count.
        if (ReferenceEquals(catalogs.Current, catalog))
        {
            entitlementsValidUntil = Current.OverridesInForce(now).Select(o => o.ExpiresAt)
                .Append(Current.CurrentPeriodEnd ?? DateTimeOffset.MaxValue)
                .Append(EntitlementRules.AccessEndsAt(Current) ?? DateTimeOffset.MaxValue)
                .Min();
            entitlementsUsageNotices = notices;
            entitlements = computed;
        }

        return computed;
    }

    /// <summary>
    /// A provider event as a decision. A changed subscription is fetched rather than read from the
    /// event's snapshot (unless the snapshot agrees with everything known), so events in any order lead
    /// to the provider's current state; a failed payment that would start dunning is checked against
    /// the invoice as it is now; an input the table refuses is checked against the provider once more
    /// ("fetch on doubt", DESIGN.md §2 rule 4).
    /// </summary>
    private async Task<Decision> DecideProviderEvent(ProviderEvent e, ProductDefinition catalog)
    {
        LifecycleInput input;
        if (e.Kind == ProviderEventKind.SubscriptionChanged)
        {
            var subscriptionId = e.ProviderSubscriptionId ?? Current.ProviderSubscriptionId
                ?? throw new ArgumentException($"Event {e.EventId} names no subscription.", nameof(e));
            input = SubscriptionLifecycle.SnapshotAgrees(Current, e, catalog) ?? await Observe(e, subscriptionId, catalog);
        }
        else if (e.Kind == ProviderEventKind.InvoicePaymentFailed && Current.State is SubscriptionState.Active or SubscriptionState.Trialing
            && e.InvoiceId is { } invoiceId && !Current.IsPaid(invoiceId)
            && await payments.GetInvoiceAsync(invoiceId, CancellationToken.None) is { IsPaid: true } invoice)
        {
            input = new LifecycleInput.InvoicePaid(e.EventId, invoice.Id, invoice.AmountPaid, invoice.SubscriptionId, null, null, invoice.Currency);
        }
        else
        {
            input = ProviderInputs.From(e);
        }

        var decision = Decide(input, catalog);
        if (decision is Decision.Refused && input is not LifecycleInput.Reconcile
            && (e.ProviderSubscriptionId ?? Current.ProviderSubscriptionId) is { } doubted
            && await TryObserve(e, doubted, catalog) is { } observed
            && Decide(observed, catalog) is { } reconciled and not Decision.Refused)
        {
            return reconciled;
        }

        return decision;
    }

    private async Task<LifecycleInput.Reconcile?> TryObserve(ProviderEvent e, string providerSubscriptionId, ProductDefinition catalog)
    {
        try
        {
            return await Observe(e, providerSubscriptionId, catalog);
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            return null;
        }
    }

    /// <summary>
    /// The provider's subscription as it is now (or as fetched after the event was created, see
    /// <see cref="lastObservation"/>). Its customer's address is taken first, so the emails of
    /// what follows (a welcome) go to it even when the event that names the address comes later.
    /// </summary>
    private async Task<LifecycleInput.Reconcile> Observe(ProviderEvent e, string providerSubscriptionId, ProductDefinition catalog)
    {
        var inputId = e.EventId;
        ProviderSubscription observed;
        DateTimeOffset fetchedAt;
        if (lastObservation is { Revision: { } revision } last && revision == state.State.Revision
            && last.Subscription.Id == providerSubscriptionId && last.Subscription.ObservedAt >= e.OccurredAt + ObservationMargin)
        {
            (observed, fetchedAt) = (last.Subscription, last.FetchedAt);
        }
        else
        {
            fetchedAt = clock.GetUtcNow();
            observed = await payments.GetSubscriptionAsync(providerSubscriptionId, CancellationToken.None);
            lastObservation = observed.ObservedAt is null ? null : new Observation(observed, fetchedAt);
        }

        // Observed when fetched, not when reused: an address change Stripe reports later is newer than what was fetched.
        if (observed.CustomerEmail is { Length: > 0 } email)
        {
            Apply(Decide(new LifecycleInput.ObserveEmail($"{inputId}/observed-email", LifecycleInput.Provider(inputId), email, fetchedAt), catalog));
        }

        return new LifecycleInput.Reconcile(inputId, observed, catalog.FindPlanByPrice(observed.PriceId)?.PlanId);
    }

    /// <summary>
    /// A command on an existing subscription: decide first (so a refusal never reaches the provider),
    /// ask the provider for what the decision's transition means there, then apply the same decision.
    /// No other call can run in between.
    /// </summary>
    private Task<CommandResult<SubscriptionView>> SubscriptionCommand(
        CommandContext context, Func<string, string, LifecycleInput> input, LifecycleTransition asked,
        ProrationMode proration = ProrationMode.CreateProrations, PauseRequest? pause = null) =>
        Command(context, reply => reply.Subscription, (reply, result) => reply with { Subscription = result }, async () =>
        {
            if (await Product(refresh: true) is not { } catalog)
            {
                return CommandResult<SubscriptionView>.Failure(UnknownProduct());
            }

            var decision = Decide(input(InputId(context), Actor(context)), catalog);
            switch (decision)
            {
                case Decision.Refused refused:
                    return CommandResult<SubscriptionView>.Failure(NotAllowed(refused));
                case Decision.Rejected rejected:
                    return CommandResult<SubscriptionView>.Failure(new CommandError(rejected.Code, rejected.Explanation, Current.State));
                case Decision.Ignored { Reason: IgnoreReason.Stale }:
                    return CommandResult<SubscriptionView>.Failure(NotAllowed(new Decision.Refused(Current.State, asked, $"{asked} is not allowed from {Current.State}.")));
                case Decision.Ignored:
                    return CommandResult<SubscriptionView>.Success(View());
            }

            var applied = (Decision.Applied)decision;
            if (Current.ProviderSubscriptionId is { } subscriptionId && applied.Transition is { } transition)
            {
                try
                {
                    if (!await AtProvider(transition, subscriptionId, catalog.FindPlan(applied.Next.PlanId), catalog.MeteredPriceIds(applied.Next.PlanId), proration, pause))
                    {
                        // Stripe keeps the price until the invoice of the change is paid (a pending update).
                        return CommandResult<SubscriptionView>.Failure(new CommandError(
                            CommandErrorCode.PaymentDeclined,
                            $"The payment for plan '{applied.Next.PlanId}' was declined: the customer stays on '{Current.PlanId}'. The change applies if its invoice is paid within 23 hours.",
                            Current.State, transition));
                    }
                }
                catch (PaymentProviderException ex)
                {
                    return CommandResult<SubscriptionView>.Failure(ProviderFailed(ex));
                }
            }

            Apply(applied);
            return CommandResult<SubscriptionView>.Success(View());
        });

    /// <summary>
    /// What a transition a product or support asked for means at the provider; false when the provider holds it
    /// pending. Canceling now bills the metered usage so far unless <paramref name="invoiceUsage"/> is false (a
    /// cancellation that comes with a refund).
    /// </summary>
    private async Task<bool> AtProvider(
        LifecycleTransition transition, string subscriptionId, Plan? plan, IReadOnlyList<string> meteredPriceIds, ProrationMode proration, PauseRequest? pause, bool invoiceUsage = true)
    {
        var key = ProviderKey($"{transition}-{Current.LastSequence}");
        if (transition == LifecycleTransition.PlanChanged)
        {
            // The key names the change itself: after a refusal, another change at the same point in the
            // history must not meet the first one's answer in the provider's idempotency window.
            return await payments.ChangePriceAsync(subscriptionId, plan!.ProviderPriceId, meteredPriceIds, proration, $"{key}-{plan.PlanId}-{proration}", CancellationToken.None);
        }

        await (transition switch
        {
            LifecycleTransition.CancelScheduled => payments.CancelSubscriptionAsync(subscriptionId, atPeriodEnd: true, invoiceUsage: true, key, CancellationToken.None),
            LifecycleTransition.Canceled => payments.CancelSubscriptionAsync(subscriptionId, atPeriodEnd: false, invoiceUsage, key, CancellationToken.None),
            LifecycleTransition.CancelUndone => payments.UndoScheduledCancelAsync(subscriptionId, key, CancellationToken.None),
            LifecycleTransition.Paused => payments.PauseCollectionAsync(subscriptionId, pause!, $"{key}-{pause!.Behavior}-{pause.ResumesAt?.ToUnixTimeSeconds()}", CancellationToken.None),
            LifecycleTransition.Resumed => payments.ResumeCollectionAsync(subscriptionId, key, CancellationToken.None),
            _ => throw new InvalidOperationException($"No provider call for {transition}."),
        });
        return true;
    }

    /// <summary>Grants or removes an override: a lifecycle input like any other, with who and why in the history.</summary>
    private Task<CommandResult<OverrideView>> OverrideCommand(CommandContext context, Func<string, string, LifecycleInput> input, bool refresh) =>
        Command(context, reply => reply.Override, (reply, result) => reply with { Override = result }, async () =>
        {
            if (await Product(refresh) is not { } catalog)
            {
                return CommandResult<OverrideView>.Failure(UnknownProduct());
            }

            var before = Current.Overrides;
            switch (Decide(input(InputId(context), Actor(context)), catalog))
            {
                case Decision.Rejected rejected:
                    return CommandResult<OverrideView>.Failure(new CommandError(rejected.Code, rejected.Explanation, Current.State));
                case Decision.Applied applied:
                    Apply(applied);
                    var changed = applied.Next.Overrides.Except(before).Concat(before.Except(applied.Next.Overrides)).Single();
                    return CommandResult<OverrideView>.Success(changed.View());
                default:
                    return CommandResult<OverrideView>.Failure(new CommandError(CommandErrorCode.InvalidRequest, "Nothing to change.", Current.State));
            }
        });

    /// <summary>
    /// Runs a command once per idempotency key: persists what it changed and acts, then keeps its answer
    /// for the key. Were the silo to die in between, the repeat finds its input applied and answers
    /// with the subscription as it is.
    /// </summary>
    private Task<CommandResult<T>> Command<T>(
        CommandContext context,
        Func<IdempotentReply, CommandResult<T>?> replayOf,
        Func<IdempotentReply, CommandResult<T>, IdempotentReply> remember,
        Func<Task<CommandResult<T>>> run)
        where T : class =>
        Guarded(async () =>
    {
        var now = clock.GetUtcNow();
        var key = context.IdempotencyKey;
        if (key is not null && replies.State.Replies.TryGetValue(key, out var earlier) && now - earlier.At < ReplyLifetime)
        {
            var replay = earlier.Fingerprint == context.Fingerprint ? replayOf(earlier) : null;
            return replay is null
                ? CommandResult<T>.Failure(new CommandError(CommandErrorCode.IdempotencyKeyReused, "This Idempotency-Key was used before with a different request.", Current.State))
                : replay with { Replayed = true };
        }

        CommandResult<T> result;
        try
        {
            result = await run();
            if (context.Staff is { } staff)
            {
                // The audit line goes into the outbox of the same write as the action's decision (or alone, for a refusal).
                state.State.Outbox.Add(new Effect.RecordAudit(new AuditRecord(
                    AuditRecord.NewId(), now, staff.Person, staff.Role, staff.Action, productId, customerId, staff.Reason,
                    result.Error is null ? AuditOutcome.Succeeded : AuditOutcome.Refused,
                    result.Error is { } error ? $"{error.Code}: {error.Message}" : AuditDetail(result.Value))), now);
                bookkeeping = true;
            }

            await Settle();
        }
        catch (Exception ex) when (context.Staff is { } failed && ex is not OperationCanceledException)
        {
            // Nothing of it is kept here (the call fails), but the provider may have acted already: the trail says so.
            await RecordUnfinished(failed, now, ex);
            throw;
        }

        // A provider outage is not an answer worth repeating: the same key may try again.
        if (key is not null && result.Error?.Code != CommandErrorCode.ProviderUnavailable)
        {
            ForgetOldReplies(now);
            replies.State.Replies[key] = remember(new IdempotentReply(context.Fingerprint ?? "", now, null, null), result);
            await replies.WriteStateAsync();
        }

        return result;
    });

    /// <summary>A member of staff's action that failed before its decision was kept, written to the trail directly (best effort: the call fails anyway).</summary>
    private async Task RecordUnfinished(StaffAction staff, DateTimeOffset now, Exception cause)
    {
        try
        {
            await GrainFactory.GetGrain<IStaffAuditGrain>(0).Record(new AuditRecord(
                AuditRecord.NewId(), now, staff.Person, staff.Role, staff.Action, productId, customerId, staff.Reason, AuditOutcome.Attempted,
                $"failed before it was recorded ({cause.GetType().Name}); the payment provider may have acted: repeat it with the same key to finish it"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAuditUnwritten(ex, Key, staff.Action);
        }
    }

    /// <summary>What a member of staff's action came to, for the audit trail: ids and amounts, never an address.</summary>
    private static string? AuditDetail(object? value) => value switch
    {
        RefundView r => $"refund {r.RefundId} of {r.AmountMinor} {r.Currency} on {r.InvoiceId ?? r.ChargeId}; {r.RemainingMinor} {r.Currency} remain refundable",
        OverrideView o => $"override {o.Id}: {o.Feature ?? o.Limit} = {o.Value} until {o.ExpiresAt:O}",
        SubscriptionView v => $"now {v.State}{(v.PlanId is { } plan ? $" on {plan}" : "")}{(v.PendingChange is { } pending ? $", {pending.PlanId} from {pending.At:O}" : "")}",
        _ => null,
    };

    private Decision Decide(LifecycleInput input, ProductDefinition catalog) =>
        SubscriptionLifecycle.Decide(Current, input, catalog, clock.GetUtcNow());

    /// <summary>Takes a decision into the state: the new subscription, its entries, and its effects into the outbox.</summary>
    private void Apply(Decision? decision)
    {
        switch (decision)
        {
            case Decision.Applied applied:
                state.State.Subscription = applied.Next;
                state.State.History.AddRange(applied.Entries);
                unpublished.AddRange(applied.Entries);
                foreach (var effect in applied.Effects.Where(e => e is not Effect.SendEmail email || !state.State.SentEmails.Contains(email.Key)))
                {
                    state.State.Outbox.Add(effect, clock.GetUtcNow());
                }

                dirty = true;
                break;
            case Decision.Ignored ignored:
                // Remembering a skipped input is worth no write on its own: the Stripe inbox keeps
                // every event id durably. It is written with the next change.
                state.State.Subscription = ignored.Next;
                break;
        }
    }

    private static EventOutcome Outcome(Decision decision) => decision switch
    {
        Decision.Applied { Transition: { } transition } applied => new(EventOutcomeKind.Applied, applied.Next.State, transition, null),
        Decision.Applied applied => new(EventOutcomeKind.Recorded, applied.Next.State, null, applied.Entry.Name),
        Decision.Ignored { Reason: IgnoreReason.Duplicate } i => new(EventOutcomeKind.Duplicate, i.Next.State, null, i.Explanation),
        Decision.Ignored { Reason: IgnoreReason.Stale } i => new(EventOutcomeKind.Stale, i.Next.State, null, i.Explanation),
        Decision.Ignored i => new(EventOutcomeKind.NoChange, i.Next.State, null, i.Explanation),
        Decision.Refused r => new(EventOutcomeKind.NotAllowed, r.Current, r.Attempted, r.Explanation),
        Decision.Rejected r => new(EventOutcomeKind.NotAllowed, SubscriptionState.None, null, r.Explanation),
        _ => throw new InvalidOperationException("Unknown decision."),
    };

    private async Task<ProductDefinition?> Product(bool refresh)
    {
        var (definition, changed) = await catalogs.GetAsync(refresh);
        if (changed)
        {
            ForgetEntitlements();
        }

        return definition;
    }

    private SubscriptionView View()
    {
        var s = Current;
        return new SubscriptionView(
            productId, customerId, s.State, s.PlanId, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.TrialEnd,
            s.State == SubscriptionState.Canceling, s.Email, state.State.Revision,
            state.State.History.AsEnumerable().Reverse().ToList(), s.Terms, s.PendingChange);
    }

    private SubscriptionRow Row()
    {
        var s = Current;
        return new SubscriptionRow(
            Key, productId, customerId, s.State, s.PlanId, s.CurrentPeriodEnd, s.Email,
            s.ProviderCustomerId, s.ProviderSubscriptionId, state.State.Revision, clock.GetUtcNow(), s.WinBacks, s.LastWonBackAt, s.Terms,
            // The newest invoices are enough: each was among them when a publish went out after it appeared.
            [.. new[] { s.OpenInvoiceId }.OfType<string>(), .. s.PaidInvoiceIds.TakeLast(3)]);
    }

    private void ForgetOldReplies(DateTimeOffset now)
    {
        var kept = replies.State.Replies;
        foreach (var old in kept.Where(r => now - r.Value.At >= ReplyLifetime).Select(r => r.Key).ToList())
        {
            kept.Remove(old);
        }

        if (kept.Count >= RepliesKept)
        {
            kept.Remove(kept.MinBy(r => r.Value.At).Key);
        }
    }

    private static CommandError NotRefundable(RefundablePayment payment, long asked, SubscriptionState state) =>
        new(CommandErrorCode.NotRefundable, $"{payment.RemainingMinor} {payment.Currency} of {payment.AmountMinor} remains refundable; {asked} cannot be refunded.", state);

    /// <summary>
    /// The product's portal configuration at the provider, made the first time a customer opens the portal
    /// after the product's portal settings or plans changed. The key names the settings, so subscriptions of
    /// the product making it at the same moment get the same configuration.
    /// </summary>
    private async Task<string> PortalConfiguration(ProductDefinition catalog)
    {
        var request = PortalConfigurationRequest.For(catalog);
        var fingerprint = ShortHash(request.Fingerprint());
        var product = GrainFactory.GetGrain<IProductGrain>(BillingIds.ProductKey(catalog.ProductId));
        if (await product.GetPortalConfiguration(fingerprint) is { } known)
        {
            return known;
        }

        var made = await payments.CreatePortalConfigurationAsync(request, $"{catalog.ProductId}/portal-{fingerprint}", CancellationToken.None);
        await product.SetPortalConfiguration(fingerprint, made);
        return made;
    }

    /// <summary>A short stable stand-in for a caller's key inside a provider key (Stripe takes at most 255 characters).</summary>
    private static string ShortHash(string value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..32];

    /// <summary>What a checkout is opened for, short: two requests with the same fingerprint may share one session.</summary>
    private static string CheckoutFingerprint(string plan, string? email, string successUrl, string cancelUrl) =>
        ShortHash($"{plan}\n{email}\n{successUrl}\n{cancelUrl}");

    /// <summary>Commands get an input id from their idempotency key, so a repeat is recognised even after its reply is forgotten.</summary>
    private static string InputId(CommandContext context) =>
        context.IdempotencyKey is { } key ? $"api:{key}" : $"api:{Guid.NewGuid():N}";

    /// <summary>Who asks: a product's own call acts as <c>api:&lt;product&gt;</c>; support as whom the gateway names.</summary>
    private string Actor(CommandContext context) => context.Actor == CommandContext.Api.Actor ? $"api:{productId}" : context.Actor;

    /// <summary>An idempotency key for the provider, from domain ids: a retried call after a crash reuses it.</summary>
    private string ProviderKey(string operation) => $"{Key}/{operation}";

    private CommandError UnknownProduct() =>
        new(CommandErrorCode.UnknownProduct, $"Product '{productId}' is not configured.", Current.State);

    private CommandError UnknownPlan(string planId) =>
        new(CommandErrorCode.UnknownPlan, $"Product '{productId}' has no plan '{planId}'.", Current.State);

    private static CommandError NotAllowed(Decision.Refused refused) =>
        new(CommandErrorCode.TransitionNotAllowed, refused.Explanation, refused.Current, refused.Attempted);

    private CommandError ProviderFailed(PaymentProviderException ex) =>
        new(ex.Transient ? CommandErrorCode.ProviderUnavailable : CommandErrorCode.ProviderRejected, ex.Message, Current.State);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund {RefundId} was made, but the charge could not be read again to count it ({Reason}); counted from the refund")]
    private partial void LogRefundRecountFailed(string refundId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {Template} to {Subscription} was refused for good: {Reason}")]
    private partial void LogEmailRefused(string template, string subscription, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Subscription} could not read its state back after a failed call ({Cause}); the activation is dropped")]
    private partial void LogReloadFailed(Exception exception, string subscription, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Subscription}: a member of staff's {Action} failed and could not be written to the audit trail either")]
    private partial void LogAuditUnwritten(Exception exception, string subscription, string action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The usage of {Subscription} could not be read for its entitlements.updated event; sent without usage")]
    private partial void LogUsageUnread(Exception exception, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Effect {Effect} of {Subscription} failed; it will be retried")]
    private partial void LogEffectFailed(Exception exception, string effect, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider event {EventId} ({Kind}) refused: {Attempted} is not allowed from {State}")]
    private partial void LogRefusedEvent(string eventId, ProviderEventKind kind, SubscriptionState state, LifecycleTransition attempted);

    /// <summary>
    /// A fetch of the provider's subscription (<see cref="FetchedAt"/> by this service's clock, for the address it carries);
    /// <see cref="Revision"/> is the revision its event left, once settled.
    /// </summary>
    private sealed record Observation(ProviderSubscription Subscription, DateTimeOffset FetchedAt)
    {
        public long? Revision { get; set; }
    }
}
