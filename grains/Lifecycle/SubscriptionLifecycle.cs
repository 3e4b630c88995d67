using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// The pure decision: <c>(subscription, input, product, now) → decision</c>. It maps each input to
/// the one transition it asks for, takes it only when <see cref="LifecycleTable"/> allows it, and
/// guards against late inputs with facts that only move one way.
/// </summary>
public static class SubscriptionLifecycle
{
    private static readonly IReadOnlyList<Effect> Publish = [new Effect.PublishReadModel()];

    /// <summary>Decides what <paramref name="input"/> does to <paramref name="current"/>.</summary>
    public static Decision Decide(Subscription current, LifecycleInput input, ProductDefinition product, DateTimeOffset now)
    {
        if (current.HasApplied(input.InputId))
        {
            return new Decision.Ignored(current, IgnoreReason.Duplicate, $"Input {input.InputId} was applied before.");
        }

        if (input.ChangeId is { } change && current.HasApplied(change))
        {
            return new Decision.Ignored(current.Remember(input.InputId), IgnoreReason.Duplicate, $"The change {change} was applied before under another id.");
        }

        var context = new Step(current, input, now, product.Dunning ?? DunningPolicy.Default);
        return input switch
        {
            LifecycleInput.StartCheckout c => StartCheckout(context, c, product),
            LifecycleInput.CheckoutExpired e => CheckoutExpired(context, e),
            LifecycleInput.SubscriptionStarted s => SubscriptionStarted(context, s),
            LifecycleInput.InvoicePaid p => InvoicePaid(context, p),
            LifecycleInput.InvoicePaymentFailed f => InvoicePaymentFailed(context, f),
            LifecycleInput.ScheduleCancel => ScheduleCancel(context),
            LifecycleInput.UndoCancel => UndoCancel(context),
            LifecycleInput.EndSubscription e => EndSubscription(context, e),
            LifecycleInput.Pause => Pause(context),
            LifecycleInput.ResumeCollection => ResumeCollection(context),
            LifecycleInput.ChangePlan c => ChangePlan(context, c),
            LifecycleInput.Reconcile r => Reconcile(context, r),
            LifecycleInput.RecordFact f => context.Record(f.Name, current, f.Detail),
            LifecycleInput.TakeDunningStep d => TakeDunningStep(context, d),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input, "No lifecycle rule for this input."),
        };
    }

    private static Decision StartCheckout(Step step, LifecycleInput.StartCheckout input, ProductDefinition product)
    {
        var s = step.Current;
        return step.Take(LifecycleTransition.CheckoutStarted, Incomplete, s with
        {
            PlanId = input.PlanId,
            Email = input.Email ?? s.Email,
            ReturnState = s.State == Incomplete ? s.ReturnState : s.State,
            CanceledBefore = s.CanceledBefore || s.State == Canceled,
            CheckoutSessionId = input.SessionId,
            ProviderCustomerId = input.ProviderCustomerId ?? s.ProviderCustomerId,
            CheckoutAttempts = s.CheckoutAttempts + 1,
        }, $"plan={input.PlanId}; product={product.ProductId}");
    }

    private static Decision CheckoutExpired(Step step, LifecycleInput.CheckoutExpired input)
    {
        var s = step.Current;
        if (s.State != Incomplete || (input.SessionId is not null && input.SessionId != s.CheckoutSessionId))
        {
            return step.Skip(IgnoreReason.Stale, "An earlier checkout session expired, or the checkout went on to complete.");
        }

        return step.Take(LifecycleTransition.CheckoutExpired, s.ReturnState, s with { CheckoutSessionId = null }, $"session={input.SessionId}");
    }

    private static Decision SubscriptionStarted(Step step, LifecycleInput.SubscriptionStarted input)
    {
        var s = step.Current;
        var target = input.Status == Trialing ? Trialing : Active;
        var started = s with
        {
            ProviderSubscriptionId = input.ProviderSubscriptionId ?? s.ProviderSubscriptionId,
            ProviderCustomerId = input.ProviderCustomerId ?? s.ProviderCustomerId,
            PlanId = input.PlanId ?? s.PlanId,
            CurrentPeriodStart = input.PeriodStart ?? s.CurrentPeriodStart,
            CurrentPeriodEnd = Later(s.CurrentPeriodEnd, input.PeriodEnd),
            TrialEnd = input.TrialEnd ?? s.TrialEnd,
            CheckoutSessionId = null,
        };

        if (s.State == target && s.ProviderSubscriptionId == input.ProviderSubscriptionId)
        {
            // Only an event at least as new as what is known may refresh the plan and period.
            var refreshed = input.PeriodEnd >= s.CurrentPeriodEnd || s.CurrentPeriodEnd is null ? started with { CheckoutSessionId = s.CheckoutSessionId } : s;
            return step.Skip(IgnoreReason.AlreadyInState, $"Already {target}.", refreshed);
        }

        if (IsTheCanceledSubscription(s, input.ProviderSubscriptionId))
        {
            return step.Skip(IgnoreReason.Stale, $"Subscription {input.ProviderSubscriptionId} was canceled, and a canceled subscription never comes back.");
        }

        if (s.State is Incomplete or Canceled)
        {
            var transition = s.CanceledBefore || s.State == Canceled
                ? LifecycleTransition.WonBack
                : target == Trialing ? LifecycleTransition.TrialStarted : LifecycleTransition.Activated;
            return step.Take(transition, target, started, $"subscription={input.ProviderSubscriptionId}; plan={started.PlanId}");
        }

        if (input.Status == Trialing && s.State is Active or PastDue or Suspended or Canceling or Paused)
        {
            return step.Skip(IgnoreReason.Stale, "A subscription never returns to its trial.");
        }

        return step.Refuse(target == Trialing ? LifecycleTransition.TrialStarted : LifecycleTransition.Activated);
    }

    private static Decision InvoicePaid(Step step, LifecycleInput.InvoicePaid input)
    {
        var s = step.Current;
        if (s.IsPaid(input.InvoiceId))
        {
            return step.Skip(IgnoreReason.AlreadyInState, $"Invoice {input.InvoiceId} is already paid.");
        }

        if (IsTheCanceledSubscription(s, input.ProviderSubscriptionId))
        {
            return step.Skip(IgnoreReason.Stale, $"Subscription {input.ProviderSubscriptionId} was canceled, and a canceled subscription never comes back.");
        }

        if (IsAnotherSubscription(s, input.ProviderSubscriptionId))
        {
            return step.Skip(IgnoreReason.Stale, $"Invoice {input.InvoiceId} is of subscription {input.ProviderSubscriptionId}, not of the one the customer runs now.");
        }

        var paid = s.RememberPaid(input.InvoiceId) with
        {
            ProviderSubscriptionId = input.ProviderSubscriptionId ?? s.ProviderSubscriptionId,
            CurrentPeriodStart = IsLater(input.PeriodEnd, s.CurrentPeriodEnd) ? input.PeriodStart : s.CurrentPeriodStart,
            CurrentPeriodEnd = Later(s.CurrentPeriodEnd, input.PeriodEnd),
        };
        var detail = $"invoice={input.InvoiceId}; amount={input.AmountMinor}";

        return s.State switch
        {
            // A trial's first invoice is for nothing: the subscription event, not the invoice, says it is trialing.
            Incomplete when input.AmountMinor > 0 => step.Take(s.CanceledBefore ? LifecycleTransition.WonBack : LifecycleTransition.Activated, Active, paid with { CheckoutSessionId = null }, detail),
            Trialing when input.AmountMinor > 0 => step.Take(LifecycleTransition.TrialConverted, Active, paid with { TrialEnd = s.TrialEnd }, detail),
            Active when IsLater(input.PeriodEnd, s.CurrentPeriodEnd) => step.Take(LifecycleTransition.Renewed, Active, paid, detail),

            // Only paying the invoice that failed ends dunning; another paid invoice is a fact.
            PastDue or Suspended when s.OpenInvoiceId is null || s.OpenInvoiceId == input.InvoiceId =>
                step.Take(LifecycleTransition.PaymentRecovered, Active, paid with { OpenInvoiceId = null }, detail),
            Canceled => step.Skip(IgnoreReason.Stale, "A canceled subscription never comes back; the payment is recorded by the provider."),
            _ => step.Record("InvoicePaid", paid, detail),
        };
    }

    private static Decision InvoicePaymentFailed(Step step, LifecycleInput.InvoicePaymentFailed input)
    {
        var s = step.Current;
        if (s.IsPaid(input.InvoiceId))
        {
            return step.Skip(IgnoreReason.Stale, $"Invoice {input.InvoiceId} was paid after this attempt failed.");
        }

        if (IsAnotherSubscription(s, input.ProviderSubscriptionId))
        {
            return step.Skip(IgnoreReason.Stale, $"Invoice {input.InvoiceId} is of subscription {input.ProviderSubscriptionId}, not of the one the customer runs now.");
        }

        var detail = $"invoice={input.InvoiceId}";
        return s.State switch
        {
            Active or Trialing => step.Take(LifecycleTransition.PaymentFailed, PastDue, s with { OpenInvoiceId = input.InvoiceId, OpenInvoiceUrl = input.HostedInvoiceUrl }, detail),
            PastDue or Suspended or Incomplete => step.Record("PaymentAttemptFailed", s, detail),
            Canceled => step.Skip(IgnoreReason.Stale, "A canceled subscription is not dunned."),
            _ => step.Refuse(LifecycleTransition.PaymentFailed),
        };
    }

    private static Decision ScheduleCancel(Step step)
    {
        var s = step.Current;
        return s.State switch
        {
            Canceling => step.Skip(IgnoreReason.AlreadyInState, "The cancel is already scheduled."),
            Canceled => step.Skip(IgnoreReason.Stale, "A canceled subscription never comes back."),
            _ => step.Take(LifecycleTransition.CancelScheduled, Canceling, s with { ResumeState = s.State }, $"ends={s.CurrentPeriodEnd:O}"),
        };
    }

    private static Decision UndoCancel(Step step) =>
        ReturnToRunning(step, LifecycleTransition.CancelUndone, "No cancel is scheduled.");

    private static Decision EndSubscription(Step step, LifecycleInput.EndSubscription input)
    {
        var s = step.Current;
        if (s.State == Canceled)
        {
            return step.Skip(IgnoreReason.AlreadyInState, "Already canceled.");
        }

        return step.Take(LifecycleTransition.Canceled, Canceled, s with
        {
            CanceledBefore = true,
            CancelReason = input.Reason,
            OpenInvoiceId = null,
        }, $"reason={input.Reason}");
    }

    private static Decision Pause(Step step)
    {
        var s = step.Current;
        return s.State switch
        {
            Paused => step.Skip(IgnoreReason.AlreadyInState, "Already paused."),
            Canceled => step.Skip(IgnoreReason.Stale, "A canceled subscription never comes back."),
            _ => step.Take(LifecycleTransition.Paused, Paused, s with { ResumeState = s.State }, null),
        };
    }

    private static Decision ResumeCollection(Step step) =>
        ReturnToRunning(step, LifecycleTransition.Resumed, "Not paused.");

    /// <summary>Back to <c>Active</c> or <c>Trialing</c> after a scheduled cancel or a pause.</summary>
    private static Decision ReturnToRunning(Step step, LifecycleTransition transition, string nothingToUndo)
    {
        var s = step.Current;
        return s.State switch
        {
            // A provider repeating itself is harmless; a product asking to undo nothing is told so.
            Active or Trialing when step.Input.Source == "provider" => step.Skip(IgnoreReason.AlreadyInState, nothingToUndo),
            Canceled => step.Skip(IgnoreReason.Stale, "A canceled subscription never comes back."),
            _ => step.Take(transition, ResumeTarget(s, step.Now), s, null),
        };
    }

    private static Decision ChangePlan(Step step, LifecycleInput.ChangePlan input)
    {
        var s = step.Current;
        if (s.PlanId == input.PlanId && s.State is Active or Trialing)
        {
            return step.Skip(IgnoreReason.AlreadyInState, $"Already on plan {input.PlanId}.");
        }

        return step.Take(LifecycleTransition.PlanChanged, s.State, s with { PlanId = input.PlanId }, $"from={s.PlanId}; to={input.PlanId}");
    }

    /// <summary>
    /// Follows the provider's subscription to the state it shows, through the one transition of the
    /// table that leads there. Facts that only move one way still guard: a canceled subscription
    /// never comes back, a subscription never returns to its trial or to incomplete, a period end
    /// never moves backwards, a paid invoice is never unpaid.
    /// </summary>
    private static Decision Reconcile(Step step, LifecycleInput.Reconcile input)
    {
        var s = step.Current;
        var o = input.Observed;
        if (IsTheCanceledSubscription(s, o.Id) || (s.State == Canceled && o.Id == s.ProviderSubscriptionId))
        {
            return step.Skip(IgnoreReason.Stale, $"Subscription {o.Id} was canceled, and a canceled subscription never comes back.");
        }

        if (IsAnotherSubscription(s, o.Id))
        {
            // An ended one is the customer's past (a win-back is a new subscription); a second running one is an anomaly.
            return o.Status is ProviderSubscriptionStatus.Canceled or ProviderSubscriptionStatus.IncompleteExpired
                ? step.Skip(IgnoreReason.Stale, $"Subscription {o.Id} has ended and is not the one the customer runs now.")
                : step.Refuse(o.Status == ProviderSubscriptionStatus.Trialing ? LifecycleTransition.TrialStarted : LifecycleTransition.Activated);
        }

        if (o.PeriodEnd < s.CurrentPeriodEnd && o.Id == s.ProviderSubscriptionId)
        {
            return step.Skip(IgnoreReason.Stale, "The provider's snapshot is older than what is known: a period end never moves backwards.");
        }

        var latestPaid = o.LatestInvoicePaid || s.IsPaid(o.LatestInvoiceId);
        var next = (o.LatestInvoicePaid && o.LatestInvoiceId is { } paidInvoice ? s.RememberPaid(paidInvoice) : s) with
        {
            ProviderSubscriptionId = o.Id,
            ProviderCustomerId = o.CustomerId ?? s.ProviderCustomerId,
            PlanId = input.PlanId ?? s.PlanId,
            CurrentPeriodStart = IsLater(o.PeriodEnd, s.CurrentPeriodEnd) ? o.PeriodStart : s.CurrentPeriodStart,
            CurrentPeriodEnd = Later(s.CurrentPeriodEnd, o.PeriodEnd),
            TrialEnd = o.TrialEnd ?? s.TrialEnd,
        };
        var detail = $"subscription={o.Id}; status={o.Status}; plan={next.PlanId}";

        switch (o.Status)
        {
            case ProviderSubscriptionStatus.Incomplete:
                return s.State is None or Canceled
                    ? step.Refuse(LifecycleTransition.CheckoutStarted)
                    : step.Skip(s.State == Incomplete ? IgnoreReason.AlreadyInState : IgnoreReason.Stale, "A subscription never returns to incomplete.", s.State == Incomplete ? next : null);
            case ProviderSubscriptionStatus.IncompleteExpired:
                return s.State == Incomplete
                    ? step.Take(LifecycleTransition.CheckoutExpired, s.ReturnState, s with { CheckoutSessionId = null }, detail)
                    : step.Skip(IgnoreReason.Stale, "The expired checkout was followed by another.");
            case ProviderSubscriptionStatus.Canceled:
                return s.State == Canceled
                    ? step.Skip(IgnoreReason.AlreadyInState, "Already canceled.", next)
                    : step.Take(LifecycleTransition.Canceled, Canceled, next with { CanceledBefore = true, CancelReason = "ended_at_provider", OpenInvoiceId = null }, detail);
            case ProviderSubscriptionStatus.Trialing when s.State is Active or PastDue or Suspended:
                return step.Skip(IgnoreReason.Stale, "A subscription never returns to its trial.");
            case ProviderSubscriptionStatus.PastDue or ProviderSubscriptionStatus.Unpaid when latestPaid:
                return step.Skip(IgnoreReason.Stale, $"Invoice {o.LatestInvoiceId} is paid: the past-due snapshot is late.");
        }

        var target = o.Status switch
        {
            ProviderSubscriptionStatus.Trialing => o.CancelAtPeriodEnd ? Canceling : Trialing,
            ProviderSubscriptionStatus.Active => o.CancelAtPeriodEnd ? Canceling : Active,
            ProviderSubscriptionStatus.Paused => Paused,

            // Suspension is this service's dunning decision; the provider only knows "past due".
            _ => s.State == Suspended ? Suspended : PastDue,
        };

        if (target == s.State)
        {
            return next.PlanId != s.PlanId && s.State is Active or Trialing
                ? step.Take(LifecycleTransition.PlanChanged, s.State, next, $"from={s.PlanId}; to={next.PlanId}")
                : step.Skip(IgnoreReason.AlreadyInState, $"Already {target}.", next);
        }

        var transition = (s.State, target) switch
        {
            (Incomplete, Active or Trialing) when s.CanceledBefore => LifecycleTransition.WonBack,
            (Canceled, Active or Trialing) => LifecycleTransition.WonBack,
            (_, Trialing) when s.State is not Canceling and not Paused => LifecycleTransition.TrialStarted,
            (Trialing, Active) => LifecycleTransition.TrialConverted,
            (PastDue or Suspended, Active) => LifecycleTransition.PaymentRecovered,
            (Canceling, Active or Trialing) => LifecycleTransition.CancelUndone,
            (Paused, Active or Trialing) => LifecycleTransition.Resumed,
            (_, Active) => LifecycleTransition.Activated,
            (_, Canceling) => LifecycleTransition.CancelScheduled,
            (_, PastDue) => LifecycleTransition.PaymentFailed,
            (_, Paused) => LifecycleTransition.Paused,
            _ => LifecycleTransition.Activated,
        };

        next = transition switch
        {
            LifecycleTransition.CancelScheduled or LifecycleTransition.Paused => next with { ResumeState = s.State },
            LifecycleTransition.PaymentFailed => next with { OpenInvoiceId = o.LatestInvoiceId },
            LifecycleTransition.PaymentRecovered => next with { OpenInvoiceId = null },
            LifecycleTransition.Activated or LifecycleTransition.TrialStarted or LifecycleTransition.WonBack => next with { CheckoutSessionId = null },
            _ => next,
        };
        return step.Take(transition, target, next, detail);
    }

    /// <summary>
    /// The next step of the open episode: its email, an optional payment retry, suspension, or the
    /// hard cancel when the policy is exhausted. A tick for a closed episode, a step taken before,
    /// or a step not yet due changes nothing.
    /// </summary>
    private static Decision TakeDunningStep(Step step, LifecycleInput.TakeDunningStep input)
    {
        var s = step.Current;
        if (s.Dunning is not { } episode || episode.Number != input.Episode || s.State is not (PastDue or Suspended))
        {
            return step.Skip(IgnoreReason.Stale, $"Dunning episode {input.Episode} is closed.");
        }

        if (episode.NextStep != input.Step || episode.NextDueAt > step.Now)
        {
            return step.Skip(IgnoreReason.AlreadyInState, $"Step {input.Step} of episode {input.Episode} is taken or not yet due.");
        }

        var policyStep = episode.Policy.Steps[input.Step];
        var taken = episode with { StepsTaken = input.Step + 1 };
        var key = $"dunning:{episode.Number}:{input.Step}";
        var email = new Effect.SendEmail(policyStep.Template, key);
        var detail = $"episode={episode.Number}; step={input.Step}; action={policyStep.Action}; template={policyStep.Template}";

        if (policyStep.Action == DunningAction.Cancel)
        {
            var ended = s with { Dunning = null, CanceledBefore = true, CancelReason = "dunning_exhausted", OpenInvoiceId = null };
            return s.ProviderSubscriptionId is { } subscriptionId
                ? step.Take(LifecycleTransition.DunningExhausted, Canceled, ended, detail, email, new Effect.CancelAtProvider(subscriptionId, $"{s.ProductId}/{s.CustomerId}/dunning-{episode.Number}-cancel"))
                : step.Take(LifecycleTransition.DunningExhausted, Canceled, ended, detail, email);
        }

        var effects = new List<Effect> { email };
        if (policyStep.RetryPayment && episode.InvoiceId is { } invoiceId)
        {
            effects.Add(new Effect.RetryPayment(invoiceId, $"{s.ProductId}/{s.CustomerId}/dunning-{episode.Number}-{input.Step}"));
        }

        if (taken.NextDueAt is { } nextDue)
        {
            effects.Add(new Effect.ArmDunning(nextDue));
        }

        var next = s with { Dunning = taken };
        return policyStep.Action == DunningAction.Suspend && s.State == PastDue
            ? step.Take(LifecycleTransition.AccessSuspended, Suspended, next, detail, [.. effects])
            : step.Take(LifecycleTransition.DunningStepTaken, s.State, next, detail, [.. effects]);
    }

    /// <summary>A resumed or un-canceled subscription is trialing only while its trial lasts.</summary>
    private static SubscriptionState ResumeTarget(Subscription s, DateTimeOffset now) =>
        s.ResumeState == Trialing && s.TrialEnd > now ? Trialing : Active;

    /// <summary>
    /// While a canceled customer is not yet won back, the provider subscription still on record is the
    /// canceled one: an input about it is late, and a win-back needs a new subscription.
    /// </summary>
    private static bool IsTheCanceledSubscription(Subscription s, string? providerSubscriptionId) =>
        s.State is Incomplete or Canceled
        && (s.CanceledBefore || s.State == Canceled)
        && providerSubscriptionId is not null
        && providerSubscriptionId == s.ProviderSubscriptionId;

    /// <summary>
    /// While a subscription runs, an input about any other provider subscription is not about this one:
    /// its invoices and its end do not move the one the customer runs now.
    /// </summary>
    private static bool IsAnotherSubscription(Subscription s, string? providerSubscriptionId) =>
        LifecycleTable.LiveStates.Contains(s.State)
        && providerSubscriptionId is not null
        && s.ProviderSubscriptionId is not null
        && providerSubscriptionId != s.ProviderSubscriptionId;

    private static bool IsLater(DateTimeOffset? candidate, DateTimeOffset? current) =>
        candidate is not null && (current is null || candidate > current);

    /// <summary>A period end never moves backwards.</summary>
    private static DateTimeOffset? Later(DateTimeOffset? current, DateTimeOffset? candidate) =>
        IsLater(candidate, current) ? candidate : current;

    /// <summary>One decision in the making: the subscription, the input and the clock.</summary>
    private readonly record struct Step(Subscription Current, LifecycleInput Input, DateTimeOffset Now, DunningPolicy Policy)
    {
        public Decision Take(LifecycleTransition transition, SubscriptionState target, Subscription next, string? detail, params Effect[] effects)
        {
            if (!LifecycleTable.Rule(transition).Allows(Current.State, target))
            {
                return Refuse(transition);
            }

            return Append(HistoryKind.Transition, transition.ToString(), transition, next with { State = target }, detail, effects);
        }

        public Decision Record(string fact, Subscription next, string? detail) =>
            Append(HistoryKind.Fact, fact, null, next with { State = Current.State }, detail, []);

        public Decision Skip(IgnoreReason reason, string explanation, Subscription? refreshed = null) =>
            new Decision.Ignored(Remembered(refreshed ?? Current), reason, explanation);

        public Decision Refuse(LifecycleTransition transition) =>
            new Decision.Refused(Current.State, transition, $"{transition} is not allowed from {Current.State}.");

        private Decision.Applied Append(HistoryKind kind, string name, LifecycleTransition? transition, Subscription next, string? detail, Effect[] effects)
        {
            var sequence = Current.LastSequence + 1;
            var (settled, consequences) = LifecycleConsequences.Of(transition, name, Current, next with { LastSequence = sequence }, Now, Policy);
            var entry = new HistoryEntry(sequence, Now, kind, name, Current.State, settled.State, Input.Source, detail);
            return new Decision.Applied(Remembered(settled), transition, entry, [.. Publish, .. effects, .. consequences]);
        }

        private Subscription Remembered(Subscription next) =>
            Input.ChangeId is { } change ? next.Remember(Input.InputId).Remember(change) : next.Remember(Input.InputId);
    }
}
