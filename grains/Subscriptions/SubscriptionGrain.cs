using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Email;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Grains.Stripe;
using OrleansBilling.Grains.Usage;

namespace OrleansBilling.Grains.Subscriptions;

/// <summary>
/// One customer's subscription. Each call decides with the pure <see cref="SubscriptionLifecycle"/>,
/// persists the new state together with its pending effects, then runs the effects
/// (DESIGN.md "Decide, persist, act"). Calls are serialized: the grain is not reentrant.
/// </summary>
[GrainType("subscription")]
public sealed partial class SubscriptionGrain(
    [PersistentState("subscription", BillingStorage.Name)] IPersistentState<SubscriptionGrainState> state,
    IPaymentProvider payments,
    IEmailSender emails,
    IReadModelWriter readModel,
    IUsageJournal usage,
    TimeProvider clock,
    ILogger<SubscriptionGrain> logger) : Grain, ISubscriptionGrain, IRemindable
{
    private const string EffectsReminder = "effects";
    private const string DunningReminder = "dunning";
    private const int SentEmailsKept = 200;
    private static readonly TimeSpan DunningSafetyPeriod = TimeSpan.FromHours(1);
    private const int HistoryInView = 20;
    private const int HistoryKept = 100;
    private const int RepliesKept = 500;
    private static readonly TimeSpan ReplyLifetime = TimeSpan.FromHours(24);
    private static readonly TimeSpan CatalogFreshness = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxEffectRetryDelay = TimeSpan.FromMinutes(1);

    private string productId = "";
    private string customerId = "";
    private ProductDefinition? product;
    private DateTimeOffset productFetchedAt;
    private EntitlementsView? entitlements;
    private DateTimeOffset entitlementsValidUntil;
    private bool dirty;
    private TimeSpan effectRetryDelay = TimeSpan.FromSeconds(1);
    private IGrainTimer? effectRetryTimer;
    private IGrainTimer? dunningTimer;
    private bool effectsReminderArmed;

    private Subscription Current => state.State.Subscription ??= Subscription.New(productId, customerId);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (productId, customerId) = BillingIds.ParseSubscriptionKey(this.GetPrimaryKeyString());
        if (state.State.PendingEffects.Count > 0)
        {
            // Effects written before a crash or a failed attempt run again, without holding up activation.
            ScheduleEffectRetry(TimeSpan.Zero);
        }

        if (state.State.Subscription?.Dunning?.NextDueAt is { } dueAt)
        {
            ArmDunningTimer(Later(dueAt - clock.GetUtcNow()));
        }

        if (state.State.Overrides.Count > 0)
        {
            ArmOverridesTimer(Later(state.State.Overrides.Min(o => o.ExpiresAt) - clock.GetUtcNow()));
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        ForwardBeforeDeactivation(cancellationToken);

    public Task<SubscriptionView> GetSubscription() => Task.FromResult(View());

    public Task<DunningView> GetDunning()
    {
        if (Current.Dunning is not { } episode)
        {
            return Task.FromResult(new DunningView(false, null, null, null, [], null, null));
        }

        var suspend = episode.Policy.Steps.FirstOrDefault(step => step.Action == DunningAction.Suspend);
        return Task.FromResult(new DunningView(
            true, episode.Number, episode.StartedAt, episode.InvoiceId, episode.Timeline(), episode.NextDueAt,
            suspend is null ? null : episode.StartedAt + suspend.After));
    }

    public Task<EntitlementsView> GetEntitlements() =>
        entitlements is { } known && CatalogIsFresh() && clock.GetUtcNow() < entitlementsValidUntil
            ? Task.FromResult(known)
            : ComputeEntitlements();

    /// <summary>
    /// Computes the answer and keeps it until something changes it: a write, new usage, a catalog
    /// change, or the clock reaching an override's expiry or the period's end.
    /// </summary>
    private async Task<EntitlementsView> ComputeEntitlements()
    {
        var catalog = await Product(refresh: false);
        var used = await CurrentUsage(catalog);
        var now = clock.GetUtcNow();
        var computed = EntitlementRules.For(Current, catalog, state.State.Revision, [.. state.State.Overrides.Select(o => o.View())], used, now);
        entitlementsValidUntil = new[] { Current.CurrentPeriodEnd ?? DateTimeOffset.MaxValue }
            .Concat(state.State.Overrides.Where(o => o.ExpiresAt > now).Select(o => o.ExpiresAt))
            .Min();
        entitlements = computed;
        return computed;
    }

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

            var inputId = InputId(context);
            if (Decide(new LifecycleInput.StartCheckout(inputId, plan.PlanId, request.Email, null, null), catalog) is Decision.Refused refused)
            {
                return CommandResult<CheckoutView>.Failure(NotAllowed(refused));
            }

            CheckoutSession session;
            try
            {
                // One trial per customer: whoever had a trial before pays from the first day.
                var trialDays = Current.TrialEnd is null ? plan.TrialDays : 0;
                session = await payments.CreateCheckoutSessionAsync(
                    new CheckoutSessionRequest(
                        productId, customerId, plan, trialDays, request.Email ?? Current.Email, Current.ProviderCustomerId,
                        request.SuccessUrl, request.CancelUrl, catalog.AllowPromotionCodes, catalog.AutomaticTax,
                        ProviderKey($"checkout-{Current.CheckoutAttempts + 1}")),
                    CancellationToken.None);
            }
            catch (PaymentProviderException ex)
            {
                return CommandResult<CheckoutView>.Failure(ProviderFailed(ex));
            }

            var knewCustomer = Current.ProviderCustomerId is not null;
            Apply(Decide(new LifecycleInput.StartCheckout(inputId, plan.PlanId, request.Email, session.SessionId, session.ProviderCustomerId), catalog));
            if (!knewCustomer && session.ProviderCustomerId is { } providerCustomerId)
            {
                AddEffect(new Effect.IndexProviderCustomer(providerCustomerId));
            }

            return CommandResult<CheckoutView>.Success(new CheckoutView(session.SessionId, session.Url, Current.State));
        });

    public Task<CommandResult<SubscriptionView>> Cancel(bool atPeriodEnd, CommandContext context) =>
        SubscriptionCommand(
            context,
            id => atPeriodEnd
                ? new LifecycleInput.ScheduleCancel(id, context.Actor)
                : new LifecycleInput.EndSubscription(id, context.Actor, "canceled_on_request"),
            atPeriodEnd ? LifecycleTransition.CancelScheduled : LifecycleTransition.Canceled,
            (subscriptionId, key) => payments.CancelSubscriptionAsync(subscriptionId, atPeriodEnd, key, CancellationToken.None));

    public Task<CommandResult<SubscriptionView>> Resume(CommandContext context) =>
        Current.State == SubscriptionState.Paused
            ? SubscriptionCommand(
                context,
                id => new LifecycleInput.ResumeCollection(id, context.Actor),
                LifecycleTransition.Resumed,
                (subscriptionId, key) => payments.ResumeSubscriptionAsync(subscriptionId, key, CancellationToken.None))
            : SubscriptionCommand(
                context,
                id => new LifecycleInput.UndoCancel(id, context.Actor),
                LifecycleTransition.CancelUndone,
                (subscriptionId, key) => payments.UndoScheduledCancelAsync(subscriptionId, key, CancellationToken.None));

    public async Task<CommandResult<SubscriptionView>> ChangePlan(string planId, ProrationMode proration, CommandContext context)
    {
        var catalog = await Product(refresh: true);
        if (catalog?.FindPlan(planId) is not { } plan)
        {
            return catalog is null
                ? CommandResult<SubscriptionView>.Failure(UnknownProduct())
                : CommandResult<SubscriptionView>.Failure(UnknownPlan(planId));
        }

        // The key names the change itself: after a refusal, another change at the same point in the
        // history must not meet the first one's answer in the provider's idempotency window.
        return await SubscriptionCommand(
            context,
            id => new LifecycleInput.ChangePlan(id, plan.PlanId),
            LifecycleTransition.PlanChanged,
            (subscriptionId, key) => payments.ChangePriceAsync(subscriptionId, plan.ProviderPriceId, proration, $"{key}-{plan.PlanId}-{proration}", CancellationToken.None));
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
                // Portal sessions are short-lived: each request gets a fresh one unless it repeats an idempotency key.
                var url = await payments.CreatePortalSessionAsync(
                    providerCustomerId, returnUrl, ProviderKey($"portal-{context.IdempotencyKey ?? Guid.NewGuid().ToString("N")}"), CancellationToken.None);
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

    public async Task<EventOutcome> ApplyProviderEvent(ProviderEvent providerEvent)
    {
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

        LifecycleInput input;
        try
        {
            input = await InputFor(providerEvent, catalog);
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            // The provider does not know the object: no retry will change that, so it is an anomaly.
            return new EventOutcome(EventOutcomeKind.NotAllowed, Current.State, null, ex.Message);
        }

        var decision = Decide(input, catalog);
        if (decision is Decision.Refused && input is not LifecycleInput.Reconcile
            && (providerEvent.ProviderSubscriptionId ?? Current.ProviderSubscriptionId) is { } subscriptionId)
        {
            // Fetch on doubt (DESIGN.md §2, rule 4): follow the provider's current state if the table allows it.
            var reconciled = await TryObserve(providerEvent.EventId, subscriptionId, catalog) is { } observed ? Decide(observed, catalog) : null;
            if (reconciled is not null and not Decision.Refused)
            {
                decision = reconciled;
            }
        }

        Apply(decision);
        await PersistAndAct();
        await TakeDueDunningSteps(catalog);
        if (decision is Decision.Refused refused)
        {
            LogRefusedEvent(providerEvent.EventId, providerEvent.Kind, refused.Current, refused.Attempted);
        }

        return decision switch
        {
            Decision.Applied { Transition: { } transition } => new(EventOutcomeKind.Applied, Current.State, transition, null),
            Decision.Applied applied => new(EventOutcomeKind.Recorded, Current.State, null, applied.Entry.Name),
            Decision.Ignored { Reason: IgnoreReason.Duplicate } i => new(EventOutcomeKind.Duplicate, Current.State, null, i.Explanation),
            Decision.Ignored { Reason: IgnoreReason.Stale } i => new(EventOutcomeKind.Stale, Current.State, null, i.Explanation),
            Decision.Ignored i => new(EventOutcomeKind.NoChange, Current.State, null, i.Explanation),
            Decision.Refused r => new(EventOutcomeKind.NotAllowed, Current.State, r.Attempted, r.Explanation),
            _ => throw new InvalidOperationException("Unknown decision."),
        };
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == DunningReminder)
        {
            // A wake-up only: the schedule lives in the episode, so a late, missed or repeated tick
            // takes exactly the steps that are due and not yet taken.
            if (Current.Dunning is null)
            {
                await StopReminder(DunningReminder);
            }
            else if (await Product(refresh: false) is { } catalog)
            {
                await TakeDueDunningSteps(catalog);
            }

            return;
        }

        if (reminderName == UsageReminder)
        {
            await OnUsageReminder();
            return;
        }

        if (reminderName == OverridesReminder)
        {
            await OnOverridesDue();
            return;
        }

        if (reminderName == EffectsReminder)
        {
            await RunEffects();
            if (state.State.PendingEffects.Count == 0)
            {
                await StopEffectsReminder();
            }
        }
    }

    /// <summary>Takes, in order, every step of the open dunning episode that is due now.</summary>
    private async Task TakeDueDunningSteps(ProductDefinition catalog)
    {
        while (Current.Dunning is { NextStep: { } step } episode && episode.NextDueAt <= clock.GetUtcNow())
        {
            var decision = Decide(LifecycleInput.TakeDunningStep.For(episode.Number, step), catalog);
            if (decision is not Decision.Applied)
            {
                return;
            }

            Apply(decision);
            await PersistAndAct();
        }
    }

    /// <summary>
    /// The lifecycle input an event stands for. A changed subscription is fetched rather than read
    /// from the event's snapshot, so events in any order lead to the provider's current state; a
    /// failed payment that would start dunning is checked against the invoice as it is now.
    /// </summary>
    private async Task<LifecycleInput> InputFor(ProviderEvent e, ProductDefinition catalog)
    {
        if (e.Kind == ProviderEventKind.SubscriptionChanged)
        {
            var subscriptionId = e.ProviderSubscriptionId ?? Current.ProviderSubscriptionId
                ?? throw new ArgumentException($"Event {e.EventId} names no subscription.", nameof(e));

            // A snapshot that shows exactly what is known changes nothing, in whatever order it
            // comes: every change at the provider brings an event whose snapshot differs, and that
            // one is fetched. So only a differing snapshot costs a round trip to the provider.
            return SnapshotAgrees(e, catalog) is { } agreeing ? agreeing : await Observe(e.EventId, subscriptionId, catalog);
        }

        if (e.Kind == ProviderEventKind.InvoicePaymentFailed && Current.State is SubscriptionState.Active or SubscriptionState.Trialing
            && e.InvoiceId is { } invoiceId && !Current.IsPaid(invoiceId))
        {
            var invoice = await payments.GetInvoiceAsync(invoiceId, CancellationToken.None);
            if (invoice.IsPaid)
            {
                return new LifecycleInput.InvoicePaid(e.EventId, invoice.Id, invoice.AmountPaid, invoice.SubscriptionId, null, null);
            }
        }

        return ProviderInputs.From(e);
    }

    /// <summary>The event's own snapshot as a reconcile input, when it agrees with everything known; else null.</summary>
    private LifecycleInput.Reconcile? SnapshotAgrees(ProviderEvent e, ProductDefinition catalog)
    {
        var s = Current;
        if (e.SubscriptionStatus is not { } status || e.ProviderSubscriptionId != s.ProviderSubscriptionId
            || e.PeriodEnd != s.CurrentPeriodEnd || catalog.FindPlanByPrice(e.PriceId)?.PlanId is not { } planId || planId != s.PlanId)
        {
            return null;
        }

        var shows = (status, e.CancelAtPeriodEnd ?? false) switch
        {
            ("active", false) => SubscriptionState.Active,
            ("trialing", false) => SubscriptionState.Trialing,
            ("active" or "trialing", true) => SubscriptionState.Canceling,
            ("canceled", _) => SubscriptionState.Canceled,
            ("paused", _) => SubscriptionState.Paused,
            _ => (SubscriptionState?)null,
        };
        if (shows != s.State)
        {
            return null;
        }

        var observed = new ProviderSubscription(
            e.ProviderSubscriptionId!, e.ProviderCustomerId, StripeStatus.Parse(status), e.CancelAtPeriodEnd ?? false, e.PriceId,
            s.CurrentPeriodStart, e.PeriodEnd, e.TrialEnd ?? s.TrialEnd, null, false);
        return new LifecycleInput.Reconcile(e.EventId, observed, planId);
    }

    private async Task<LifecycleInput.Reconcile?> TryObserve(string inputId, string providerSubscriptionId, ProductDefinition catalog)
    {
        try
        {
            return await Observe(inputId, providerSubscriptionId, catalog);
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
            return null;
        }
    }

    private async Task<LifecycleInput.Reconcile> Observe(string inputId, string providerSubscriptionId, ProductDefinition catalog)
    {
        var observed = await payments.GetSubscriptionAsync(providerSubscriptionId, CancellationToken.None);
        return new LifecycleInput.Reconcile(inputId, observed, catalog.FindPlanByPrice(observed.PriceId)?.PlanId);
    }

    /// <summary>
    /// A command on an existing subscription: decide first (so a refusal never reaches the
    /// provider), ask the provider, then apply the same decision. No other call can run in between.
    /// </summary>
    private Task<CommandResult<SubscriptionView>> SubscriptionCommand(
        CommandContext context,
        Func<string, LifecycleInput> input,
        LifecycleTransition asked,
        Func<string, string, Task> atProvider) =>
        Command(context, reply => reply.Subscription, (reply, result) => reply with { Subscription = result }, async () =>
        {
            if (await Product(refresh: true) is not { } catalog)
            {
                return CommandResult<SubscriptionView>.Failure(UnknownProduct());
            }

            var decision = Decide(input(InputId(context)), catalog);
            switch (decision)
            {
                case Decision.Refused refused:
                    return CommandResult<SubscriptionView>.Failure(NotAllowed(refused));
                case Decision.Ignored { Reason: IgnoreReason.Stale }:
                    return CommandResult<SubscriptionView>.Failure(NotAllowed(new Decision.Refused(Current.State, asked, $"{asked} is not allowed from {Current.State}.")));
                case Decision.Ignored:
                    return CommandResult<SubscriptionView>.Success(View());
            }

            if (Current.ProviderSubscriptionId is { } subscriptionId)
            {
                try
                {
                    await atProvider(subscriptionId, ProviderKey($"{asked}-{Current.LastSequence}"));
                }
                catch (PaymentProviderException ex)
                {
                    return CommandResult<SubscriptionView>.Failure(ProviderFailed(ex));
                }
            }

            Apply(decision);
            return CommandResult<SubscriptionView>.Success(View());
        });

    /// <summary>Runs a command once per idempotency key, persists what it changed, then acts.</summary>
    private async Task<CommandResult<T>> Command<T>(
        CommandContext context,
        Func<IdempotentReply, CommandResult<T>?> replayOf,
        Func<IdempotentReply, CommandResult<T>, IdempotentReply> remember,
        Func<Task<CommandResult<T>>> run)
        where T : class
    {
        var now = clock.GetUtcNow();
        var key = context.IdempotencyKey;
        if (key is not null && state.State.Replies.TryGetValue(key, out var earlier) && now - earlier.At < ReplyLifetime)
        {
            var replay = earlier.Fingerprint == context.Fingerprint ? replayOf(earlier) : null;
            return replay is null
                ? CommandResult<T>.Failure(new CommandError(CommandErrorCode.IdempotencyKeyReused, "This Idempotency-Key was used before with a different request.", Current.State))
                : replay with { Replayed = true };
        }

        var result = await run();

        // A provider outage is not an answer worth repeating: the same key may try again.
        if (key is not null && result.Error?.Code != CommandErrorCode.ProviderUnavailable)
        {
            ForgetOldReplies(now);
            state.State.Replies[key] = remember(new IdempotentReply(context.Fingerprint ?? "", now, null, null), result);
            dirty = true;
        }

        await PersistAndAct();
        return result;
    }

    private Decision Decide(LifecycleInput input, ProductDefinition catalog) =>
        SubscriptionLifecycle.Decide(Current, input, catalog, clock.GetUtcNow());

    private void Apply(Decision decision)
    {
        switch (decision)
        {
            case Decision.Applied applied:
                RememberPreviousPeriod(applied.Next);
                state.State.Subscription = applied.Next;
                state.State.History.Add(applied.Entry);
                dirty = true;
                foreach (var effect in applied.Effects)
                {
                    AddEffect(effect);
                }

                break;
            case Decision.Ignored ignored when !ReferenceEquals(ignored.Next, state.State.Subscription):
                // Remembering a skipped input is worth no write on its own: the Stripe inbox keeps
                // every event id durably. Only refreshed fields (a later period end) are persisted.
                var refreshed = ignored.Next with { AppliedInputIds = Current.AppliedInputIds } != Current;
                RememberPreviousPeriod(ignored.Next);
                state.State.Subscription = ignored.Next;
                if (refreshed)
                {
                    AddEffect(new Effect.PublishReadModel());
                }

                break;
        }
    }

    /// <summary>A renewal makes the current period the previous one, where late usage may still count.</summary>
    private void RememberPreviousPeriod(Subscription next)
    {
        if (Current.CurrentPeriodStart is { } start && next.CurrentPeriodStart > start)
        {
            state.State.PreviousPeriodStart = start;
            entitlements = null;
        }
    }

    /// <summary>Effects are idempotent, so one pending copy of each is enough.</summary>
    private void AddEffect(Effect effect)
    {
        if (!state.State.PendingEffects.Contains(effect))
        {
            state.State.PendingEffects.Add(effect);
        }

        dirty = true;
    }

    private async Task PersistAndAct()
    {
        if (dirty)
        {
            state.State.Revision++;
            ForgetPublishedHistory();
            await state.WriteStateAsync();
            dirty = false;
            entitlements = null;
        }

        await RunEffects();
    }

    /// <summary>Runs the pending effects in order; the first failure stops the run and schedules a retry.</summary>
    private async Task RunEffects()
    {
        var done = 0;
        foreach (var effect in state.State.PendingEffects)
        {
            try
            {
                await Execute(effect);
                done++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEffectFailed(ex, effect.GetType().Name, this.GetPrimaryKeyString());
                break;
            }
        }

        if (done > 0)
        {
            state.State.PendingEffects.RemoveRange(0, done);
            await state.WriteStateAsync();
        }

        if (state.State.PendingEffects.Count > 0)
        {
            ScheduleEffectRetry(effectRetryDelay);
            effectRetryDelay = TimeSpan.FromTicks(Math.Min(effectRetryDelay.Ticks * 2, MaxEffectRetryDelay.Ticks));
            if (!effectsReminderArmed)
            {
                // The timer dies with the activation; the reminder survives silos and restarts.
                await this.RegisterOrUpdateReminder(EffectsReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
                effectsReminderArmed = true;
            }
        }
        else if (effectRetryTimer is not null)
        {
            effectRetryTimer.Dispose();
            effectRetryTimer = null;
            effectRetryDelay = TimeSpan.FromSeconds(1);
            if (effectsReminderArmed)
            {
                await StopEffectsReminder();
            }
        }
    }

    /// <summary>A reminder left from an earlier activation stops itself on its next tick.</summary>
    private async Task StopEffectsReminder()
    {
        await StopReminder(EffectsReminder);
        effectsReminderArmed = false;
    }

    private Task Execute(Effect effect) => effect switch
    {
        Effect.PublishReadModel => PublishReadModel(),
        Effect.IndexProviderCustomer index => GrainFactory
            .GetGrain<IProviderCustomerIndexGrain>(ProviderCustomerIndexGrain.KeyOf(index.ProviderCustomerId))
            .Set(this.GetPrimaryKeyString()),
        Effect.SendEmail email => SendEmail(email),
        Effect.RetryPayment retry => ProviderAnswerIsEnough(() => payments.PayInvoiceAsync(retry.InvoiceId, retry.IdempotencyKey, CancellationToken.None)),
        Effect.CancelAtProvider cancel => ProviderAnswerIsEnough(() => payments.CancelSubscriptionAsync(cancel.ProviderSubscriptionId, atPeriodEnd: false, cancel.IdempotencyKey, CancellationToken.None)),
        Effect.ArmDunning arm => ArmDunning(arm.DueAt),
        Effect.StopDunning => StopDunning(),
        _ => throw new InvalidOperationException($"No executor for effect {effect.GetType().Name}."),
    };

    /// <summary>
    /// Sends a lifecycle email once per sent-log key. A product without a template for the moment, or
    /// a customer without an address, gets none; a refusal that no retry can mend is given up on.
    /// </summary>
    private async Task SendEmail(Effect.SendEmail email)
    {
        if (state.State.SentEmails.Contains(email.Key))
        {
            return;
        }

        if (product?.EmailTemplates.TryGetValue(email.Template, out var templateId) == true && Current.Email is { } address)
        {
            try
            {
                await emails.SendAsync(
                    new EmailMessage($"{this.GetPrimaryKeyString()}/{email.Key}", address, null, templateId, EmailParams(), [email.Template, productId]),
                    CancellationToken.None);
            }
            catch (EmailSendException ex) when (!ex.Transient)
            {
                LogEmailRefused(ex, email.Template, this.GetPrimaryKeyString());
            }
        }

        state.State.SentEmails.Add(email.Key);
        if (state.State.SentEmails.Count > SentEmailsKept)
        {
            state.State.SentEmails.RemoveAt(0);
        }
    }

    /// <summary>Template variables: who, which plan, how much, and what happens next.</summary>
    private Dictionary<string, string> EmailParams()
    {
        var s = Current;
        var plan = product?.FindPlan(s.PlanId);
        var values = new Dictionary<string, string>
        {
            ["customer"] = customerId,
            ["product"] = product?.Name ?? productId,
            ["plan"] = plan?.Name ?? s.PlanId ?? "",
            ["amount"] = plan is null ? "" : $"{plan.AmountMinor / 100m:0.00} {plan.Currency.ToUpperInvariant()}",
            ["period_end"] = s.CurrentPeriodEnd?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "",
        };
        if (s.Dunning is { } episode)
        {
            values["next_step"] = episode.NextDueAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "";
            var suspend = episode.Policy.Steps.FirstOrDefault(step => step.Action == DunningAction.Suspend);
            values["grace_end"] = suspend is null ? "" : (episode.StartedAt + suspend.After).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            values["invoice"] = episode.InvoiceId ?? "";
            values["invoice_url"] = s.OpenInvoiceUrl ?? "";
        }

        return values;
    }

    /// <summary>A provider's "no" (card declined, already canceled) answers the effect; only outages retry.</summary>
    private static async Task ProviderAnswerIsEnough(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (PaymentProviderException ex) when (!ex.Transient)
        {
        }
    }

    /// <summary>
    /// The durable reminder brings the grain back even after a restart, but Orleans skips a tick
    /// whose time has passed and waits a whole period; a timer of this activation takes the step
    /// when it is due (also when the sandbox clock jumps), and the reminder remains the safety net.
    /// </summary>
    private async Task ArmDunning(DateTimeOffset dueAt)
    {
        var dueIn = Later(dueAt - clock.GetUtcNow());
        await this.RegisterOrUpdateReminder(DunningReminder, dueIn, DunningSafetyPeriod);
        ArmDunningTimer(dueIn);
    }

    private void ArmDunningTimer(TimeSpan dueIn)
    {
        dunningTimer?.Dispose();
        dunningTimer = this.RegisterGrainTimer(
            async _ =>
            {
                if (await Product(refresh: false) is { } catalog)
                {
                    await TakeDueDunningSteps(catalog);
                }
            },
            new GrainTimerCreationOptions { DueTime = dueIn, Period = Timeout.InfiniteTimeSpan });
    }

    private Task StopDunning()
    {
        dunningTimer?.Dispose();
        dunningTimer = null;
        return StopReminder(DunningReminder);
    }

    private async Task StopReminder(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static TimeSpan Later(TimeSpan dueIn) => dueIn > TimeSpan.FromSeconds(1) ? dueIn : TimeSpan.FromSeconds(1);

    private async Task PublishReadModel()
    {
        var s = Current;
        var key = this.GetPrimaryKeyString();
        var row = new SubscriptionRow(
            key, productId, customerId, s.State, s.PlanId, s.CurrentPeriodEnd, s.Email,
            s.ProviderCustomerId, s.ProviderSubscriptionId, state.State.Revision, clock.GetUtcNow(), s.WinBacks, s.LastWonBackAt);
        var history = state.State.History
            .Where(h => h.Sequence > state.State.PublishedSequence)
            .Select(h => new HistoryRow(key, h.Sequence, productId, customerId, h.OccurredAt, h.Kind, h.Name, h.From, h.To, DetailJson(h)))
            .ToList();
        await readModel.WriteAsync(row, history, CancellationToken.None);
        state.State.PublishedSequence = s.LastSequence;
    }

    private void ScheduleEffectRetry(TimeSpan delay)
    {
        effectRetryTimer?.Dispose();
        effectRetryTimer = this.RegisterGrainTimer(
            _ => RunEffects(),
            new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
    }

    private async Task<ProductDefinition?> Product(bool refresh)
    {
        var now = clock.GetUtcNow();
        if (refresh || !CatalogIsFresh())
        {
            var fetched = await GrainFactory.GetGrain<IProductGrain>(BillingIds.ProductKey(productId)).GetDefinition();
            if (fetched != product)
            {
                product = fetched;
                entitlements = null;
            }

            productFetchedAt = now;
        }

        return product;
    }

    private bool CatalogIsFresh() => product is not null && clock.GetUtcNow() - productFetchedAt <= CatalogFreshness;

    private SubscriptionView View()
    {
        var s = Current;
        return new SubscriptionView(
            productId, customerId, s.State, s.PlanId, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.TrialEnd,
            s.State == SubscriptionState.Canceling, s.Email, state.State.Revision,
            state.State.History.AsEnumerable().Reverse().Take(HistoryInView).ToList());
    }

    /// <summary>Published history beyond the most recent entries lives on only in the read model.</summary>
    private void ForgetPublishedHistory()
    {
        var history = state.State.History;
        var removable = history.Count - HistoryKept;
        if (removable > 0)
        {
            var published = history.Take(removable).Count(h => h.Sequence <= state.State.PublishedSequence);
            history.RemoveRange(0, published);
        }
    }

    private void ForgetOldReplies(DateTimeOffset now)
    {
        var replies = state.State.Replies;
        foreach (var old in replies.Where(r => now - r.Value.At >= ReplyLifetime).Select(r => r.Key).ToList())
        {
            replies.Remove(old);
        }

        if (replies.Count >= RepliesKept)
        {
            replies.Remove(replies.MinBy(r => r.Value.At).Key);
        }
    }

    /// <summary>Commands get an input id from their idempotency key, so a repeat is recognised even after its reply is forgotten.</summary>
    private static string InputId(CommandContext context) =>
        context.IdempotencyKey is { } key ? $"api:{key}" : $"api:{Guid.NewGuid():N}";

    /// <summary>An idempotency key for the provider, from domain ids: a retried call after a crash reuses it.</summary>
    private string ProviderKey(string operation) => $"{this.GetPrimaryKeyString()}/{operation}";

    private static string DetailJson(HistoryEntry entry) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["source"] = entry.Source, ["detail"] = entry.Detail });

    private CommandError UnknownProduct() =>
        new(CommandErrorCode.UnknownProduct, $"Product '{productId}' is not configured.", Current.State);

    private CommandError UnknownPlan(string planId) =>
        new(CommandErrorCode.UnknownPlan, $"Product '{productId}' has no plan '{planId}'.", Current.State);

    private static CommandError NotAllowed(Decision.Refused refused) =>
        new(CommandErrorCode.TransitionNotAllowed, refused.Explanation, refused.Current, refused.Attempted);

    private CommandError ProviderFailed(PaymentProviderException ex) =>
        new(ex.Transient ? CommandErrorCode.ProviderUnavailable : CommandErrorCode.ProviderRejected, ex.Message, Current.State);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {Template} to {Subscription} was refused for good; not retried")]
    private partial void LogEmailRefused(Exception exception, string template, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Effect {Effect} of {Subscription} failed; it will be retried")]
    private partial void LogEffectFailed(Exception exception, string effect, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider event {EventId} ({Kind}) refused: {Attempted} is not allowed from {State}")]
    private partial void LogRefusedEvent(string eventId, ProviderEventKind kind, SubscriptionState state, LifecycleTransition attempted);
}
