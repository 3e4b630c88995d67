using System.Globalization;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Usage;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// The pure decision: <c>(subscription, input, product, now) → decision</c>. It maps each input to
/// the one transition it asks for, takes it only when <see cref="LifecycleTable"/> allows it, and
/// guards against late inputs with facts that only move one way. Every change it makes to the
/// subscription is recorded as a typed history entry with its actor and, where the customer's price
/// or state moves, the terms before and after.
/// </summary>
public static class SubscriptionLifecycle
{
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

        var context = new Step(current, input, now, product);
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
            LifecycleInput.Pause p => Pause(context, p),
            LifecycleInput.ResumeCollection => ResumeCollection(context),
            LifecycleInput.Resume => Resume(context),
            LifecycleInput.ChangePlan c => ChangePlan(context, c),
            LifecycleInput.SchedulePlanChange c => SchedulePlanChange(context, c),
            LifecycleInput.UnschedulePlanChange => UnschedulePlanChange(context),
            LifecycleInput.Reconcile r => Reconcile(context, r),
            LifecycleInput.RecordFact f => context.Record(f.Fact, current, f.Detail, f.Amount),
            LifecycleInput.IssueRefund r => IssueRefund(context, r),
            LifecycleInput.TakeDunningStep d => TakeDunningStep(context, d),
            LifecycleInput.GrantOverride g => OverrideDecisions.Grant(context, g),
            LifecycleInput.RemoveOverride r => OverrideDecisions.Remove(context, r),
            LifecycleInput.ExpireOverrides => OverrideDecisions.Expire(context),
            LifecycleInput.ObserveEmail o => ObserveEmail(context, o),
            LifecycleInput.EmailGivenUp g => context.Record(HistoryFact.EmailNotSent, current, $"template={g.Template}; refused by the email provider: {g.Reason}"),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input, "No lifecycle rule for this input."),
        };
    }

    /// <summary>
    /// The free trial a checkout for <paramref name="plan"/> offers: the plan's, for a customer who never
    /// had one; none for a customer who did (one trial per customer).
    /// </summary>
    public static int TrialDaysOffered(Subscription current, Plan plan) => current.TrialEnd is null ? plan.TrialDays : 0;

    /// <summary>
    /// A provider event's own snapshot of the subscription as a reconcile input, when it shows exactly
    /// what is known (same subscription, period end, plan, quantity, discounts and state); else null, and the
    /// subscription is fetched. Every change at the provider brings an event whose snapshot differs, and that one is
    /// fetched, so an agreeing snapshot changes nothing in whatever order it comes.
    /// </summary>
    public static LifecycleInput.Reconcile? SnapshotAgrees(Subscription s, ProviderEvent e, ProductDefinition product)
    {
        if (e.SubscriptionStatus is not { } status || e.ProviderSubscriptionId is not { } subscriptionId || subscriptionId != s.ProviderSubscriptionId
            || e.PeriodEnd != s.CurrentPeriodEnd || product.FindPlanByPrice(e.PriceId)?.PlanId is not { } planId || planId != s.PlanId
            || ShownInSnapshot(status) is not { } parsed || s.Terms is not { } terms
            || (e.Quantity ?? 1) != terms.Quantity || !(e.DiscountIds ?? []).SequenceEqual(terms.Discounts.Select(d => d.Id)))
        {
            return null;
        }

        var observed = new ProviderSubscription(
            subscriptionId, e.ProviderCustomerId, parsed, e.CancelAtPeriodEnd ?? false, e.PriceId,
            s.CurrentPeriodStart, e.PeriodEnd, e.TrialEnd ?? s.TrialEnd, null, false, CollectionPaused: e.CollectionPaused ?? false,
            Quantity: terms.Quantity, Discounts: terms.Discounts);
        return StateShownBy(observed, s) == s.State ? new LifecycleInput.Reconcile(e.EventId, observed, planId) : null;
    }

    /// <summary>
    /// The provider's statuses a snapshot may be trusted for; any other (past due, incomplete) is fetched,
    /// since what follows from it depends on the invoice behind it.
    /// </summary>
    private static ProviderSubscriptionStatus? ShownInSnapshot(string status) => status switch
    {
        "active" => ProviderSubscriptionStatus.Active,
        "trialing" => ProviderSubscriptionStatus.Trialing,
        "canceled" => ProviderSubscriptionStatus.Canceled,
        "paused" => ProviderSubscriptionStatus.Paused,
        _ => null,
    };

    /// <summary>
    /// The state the provider's subscription shows, in this service's words. Suspension is this
    /// service's own dunning decision, so a suspended subscription the provider calls past due stays suspended.
    /// </summary>
    public static SubscriptionState StateShownBy(ProviderSubscription observed, Subscription current) => observed.Status switch
    {
        // Stripe keeps the status of a subscription whose collection is paused: pause_collection says it.
        // Paused and ending at the period end is still paused (no access, no charge) until it ends.
        ProviderSubscriptionStatus.Trialing or ProviderSubscriptionStatus.Active when observed.CollectionPaused => Paused,
        ProviderSubscriptionStatus.Trialing or ProviderSubscriptionStatus.Active when observed.CancelAtPeriodEnd => Canceling,
        ProviderSubscriptionStatus.Trialing => Trialing,
        ProviderSubscriptionStatus.Active => Active,
        ProviderSubscriptionStatus.Paused => Paused,
        ProviderSubscriptionStatus.Canceled => Canceled,
        ProviderSubscriptionStatus.Incomplete => Incomplete,
        ProviderSubscriptionStatus.IncompleteExpired => current.ReturnState,
        _ => current.State == Suspended ? Suspended : PastDue,
    };

    private static Decision StartCheckout(Step step, LifecycleInput.StartCheckout input, ProductDefinition product)
    {
        var s = step.Current;
        return step.Take(LifecycleTransition.CheckoutStarted, Incomplete, s with
        {
            PlanId = input.PlanId,
            Email = input.Email ?? s.Email,
            EmailObservedAt = input.Email is null ? s.EmailObservedAt : WholeSecond(step.Now),
            ReturnState = s.State == Incomplete ? s.ReturnState : s.State,
            CanceledBefore = s.CanceledBefore || s.State == Canceled,
            CheckoutSessionId = input.SessionId,
            CheckoutUrl = input.SessionUrl,
            CheckoutFingerprint = input.Fingerprint,
            CheckoutExpiresAt = input.ExpiresAt,
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
        var amount = (input.Currency ?? s.Terms?.Currency) is { } currency ? new Money(input.AmountMinor, currency) : null;
        step = step with { Amount = amount };

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
            _ => step.Record(HistoryFact.InvoicePaid, paid, detail, amount),
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
            PastDue or Suspended or Incomplete => step.Record(HistoryFact.PaymentAttemptFailed, s, detail),
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

    /// <summary>
    /// A refund issued through the service: one fact with who, why and how much, the customer told once;
    /// Stripe's <c>refund.created</c> and <c>charge.refunded</c> for it are remembered as this same change.
    /// </summary>
    private static Decision IssueRefund(Step step, LifecycleInput.IssueRefund input)
    {
        var r = input.Refund;
        var amount = new Money(r.AmountMinor, r.Currency);
        step = step with { Emails = [new LifecycleEmail("refund_issued", $"refund:{r.RefundId}", new Dictionary<string, string> { ["refund_amount"] = LifecycleEmails.Money(r.AmountMinor, r.Currency), ["refunded_invoice"] = r.InvoiceId ?? "" })] };
        var next = step.Current.Remember($"{r.RefundId}/refund.created/{r.Status}").Remember($"{r.ChargeId}/refunded-{input.RefundedAfter}");
        return step.Record(
            HistoryFact.RefundIssued, next,
            $"refund={r.RefundId}; charge={r.ChargeId}; invoice={r.InvoiceId}; amount={r.AmountMinor} {r.Currency}; reason={input.Reason}", amount);
    }

    private static Decision Pause(Step step, LifecycleInput.Pause input)
    {
        var s = step.Current;
        if (input.Request?.ResumesAt is { } resumesAt && resumesAt <= step.Now)
        {
            return step.Reject(CommandErrorCode.InvalidRequest, $"resumesAt ({resumesAt:O}) must be in the future.");
        }

        var detail = input.Request is { } request
            ? $"behavior={request.Behavior}" + (request.ResumesAt is { } at ? $"; resumes={at:O}" : "")
            : null;
        return s.State switch
        {
            // Asked again as it is: the same answer; asked with other settings: resume first, so Stripe
            // never holds settings other than the ones the history shows.
            Paused when input.Request is null || input.Request == s.PauseAsked => step.Skip(IgnoreReason.AlreadyInState, "Already paused."),
            Paused => new Decision.Refused(Paused, LifecycleTransition.Paused, "Already paused with other settings: resume first, then pause with the new ones."),
            Canceled => step.Skip(IgnoreReason.Stale, "A canceled subscription never comes back."),
            _ => step.Take(LifecycleTransition.Paused, Paused, s with { ResumeState = s.State, PauseAsked = input.Request }, detail),
        };
    }

    private static Decision ResumeCollection(Step step) =>
        ReturnToRunning(step, LifecycleTransition.Resumed, "Not paused.");

    /// <summary>A product's "resume": collection of a paused subscription, or a canceling one that keeps running.</summary>
    private static Decision Resume(Step step) => step.Current.State == Paused
        ? ReturnToRunning(step, LifecycleTransition.Resumed, "Not paused.")
        : ReturnToRunning(step, LifecycleTransition.CancelUndone, "No cancel is scheduled.");

    /// <summary>
    /// A newer observation of the address replaces the one known; an older one (a late event, a frozen
    /// copy) is stale, so the address never goes back to one the customer replaced.
    /// </summary>
    private static Decision ObserveEmail(Step step, LifecycleInput.ObserveEmail input)
    {
        var s = step.Current;
        var at = WholeSecond(input.ObservedAt);
        if (at < s.EmailObservedAt)
        {
            return step.Skip(IgnoreReason.Stale, "A newer address is known.");
        }

        var observed = s with { Email = input.Email, EmailObservedAt = at };
        return string.Equals(s.Email, input.Email, StringComparison.Ordinal)
            ? step.Skip(IgnoreReason.AlreadyInState, "The address is the one known.", observed)
            : step.Record(HistoryFact.EmailAddressChanged, observed, s.Email is null ? "an address is known now" : "the address changed");
    }

    /// <summary>Back to <c>Active</c> or <c>Trialing</c> after a scheduled cancel or a pause.</summary>
    private static Decision ReturnToRunning(Step step, LifecycleTransition transition, string nothingToUndo)
    {
        var s = step.Current;
        return s.State switch
        {
            // A provider repeating itself is harmless; a product asking to undo nothing is told so.
            Active or Trialing when step.Input.FromProvider => step.Skip(IgnoreReason.AlreadyInState, nothingToUndo),
            Canceled => step.Skip(IgnoreReason.Stale, "A canceled subscription never comes back."),
            _ => step.Take(transition, ResumeTarget(s, step.Now), s with { PauseAsked = null }, null),
        };
    }

    private static Decision ChangePlan(Step step, LifecycleInput.ChangePlan input)
    {
        var s = step.Current;
        if (step.Product.FindPlan(input.PlanId) is null)
        {
            return step.Reject(CommandErrorCode.UnknownPlan, $"Product '{step.Product.ProductId}' has no plan '{input.PlanId}'.");
        }

        if (s.PendingChange is { } scheduled)
        {
            // Stripe already bills the next period at the scheduled plan's price: a change now would be prorated from it.
            return new Decision.Refused(s.State, LifecycleTransition.PlanChanged, $"A change to plan '{scheduled.PlanId}' is scheduled for {scheduled.At:O}: withdraw it first.");
        }

        if (s.PlanId == input.PlanId && s.State is Active or Trialing)
        {
            return step.Skip(IgnoreReason.AlreadyInState, $"Already on plan {input.PlanId}.");
        }

        return step.Take(LifecycleTransition.PlanChanged, s.State, s with { PlanId = input.PlanId, PendingChange = null }, $"from={s.PlanId}; to={input.PlanId}");
    }

    /// <summary>
    /// A move to another plan when the current period ends: only for a subscription that renews (active or
    /// trialing, no cancel scheduled), and only with a period end to wait for.
    /// </summary>
    private static Decision SchedulePlanChange(Step step, LifecycleInput.SchedulePlanChange input)
    {
        var s = step.Current;
        if (step.Product.FindPlan(input.PlanId) is not { } target)
        {
            return step.Reject(CommandErrorCode.UnknownPlan, $"Product '{step.Product.ProductId}' has no plan '{input.PlanId}'.");
        }

        if (step.Product.FindPlan(s.PlanId) is { } current && current.Interval != target.Interval)
        {
            // Stripe starts a new billing cycle at once when the interval changes, whatever the proration.
            return step.Reject(CommandErrorCode.InvalidRequest, $"Plan '{input.PlanId}' is billed per {target.Interval}, not per {current.Interval}: such a change applies now, not at the period end.");
        }

        if (s.State is not (Active or Trialing) || s.CurrentPeriodEnd is not { } end)
        {
            return new Decision.Refused(s.State, LifecycleTransition.PlanChanged, $"A plan change at the period end needs a subscription that renews; it is {s.State}.");
        }

        if (s.PendingChange?.PlanId == input.PlanId || (s.PendingChange is null && s.PlanId == input.PlanId))
        {
            return step.Skip(IgnoreReason.AlreadyInState, s.PlanId == input.PlanId ? $"Already on plan {input.PlanId}." : $"Plan {input.PlanId} is already scheduled.");
        }

        var next = s with { PendingChange = input.PlanId == s.PlanId ? null : new PendingChangeView(input.PlanId, end) };
        return input.PlanId == s.PlanId
            ? step.Record(HistoryFact.PlanChangeUnscheduled, next, $"plan={s.PlanId} stays")
            : step.Record(HistoryFact.PlanChangeScheduled, next, $"from={s.PlanId}; to={input.PlanId}; at={end:O}");
    }

    private static Decision UnschedulePlanChange(Step step)
    {
        var s = step.Current;
        return s.PendingChange is { } pending
            ? step.Record(HistoryFact.PlanChangeUnscheduled, s with { PendingChange = null }, $"plan={pending.PlanId} withdrawn; {s.PlanId} stays")
            : step.Reject(CommandErrorCode.InvalidRequest, "No plan change is scheduled.");
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
            // An ended one is the customer's past (a win-back is a new subscription). A second running one
            // came from two checkouts paid in a race: the one the customer runs stays, the extra one is
            // canceled at once and what it charged refunded (once, however many events tell of it).
            var duplicate = $"duplicate:{o.Id}";
            return o.Status is ProviderSubscriptionStatus.Canceled or ProviderSubscriptionStatus.IncompleteExpired
                ? step.Skip(IgnoreReason.Stale, $"Subscription {o.Id} has ended and is not the one the customer runs now.")
                : s.HasApplied(duplicate)
                    ? step.Skip(IgnoreReason.AlreadyInState, $"Subscription {o.Id} is a second one, already being canceled and refunded.")
                    : step.Record(
                        HistoryFact.DuplicateSubscriptionCanceled, s.Remember(duplicate),
                        $"subscription={o.Id}; kept={s.ProviderSubscriptionId}; status={o.Status}", null,
                        new Effect.CancelDuplicate(o.Id, $"{s.ProductId}/{s.CustomerId}", $"{s.ProductId}/{s.CustomerId}/duplicate-{o.Id}"));
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
            Terms = BilledAsObserved(step, s, input.PlanId ?? s.PlanId, o),
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

        var target = StateShownBy(o, s);

        if (s.PendingChange is { } scheduled && next.PlanId == scheduled.PlanId && !(next.CurrentPeriodStart >= scheduled.At))
        {
            // Stripe already bills the next period at the scheduled plan's price; this period stays on the current plan.
            next = next with { PlanId = s.PlanId };
        }
        else if (s.PendingChange is { } overtaken && next.PlanId != overtaken.PlanId && next.PlanId != s.PlanId)
        {
            // Stripe's price moved to a third plan (its dashboard, the portal): that change wins over the scheduled one.
            next = next with { PendingChange = null };
        }

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
        var email = new LifecycleEmail(policyStep.Template, $"dunning:{episode.Number}:{input.Step}");
        var detail = $"episode={episode.Number}; step={input.Step}; action={policyStep.Action}; template={policyStep.Template}";
        step = step with { Emails = [email] };

        if (policyStep.Action == DunningAction.Cancel)
        {
            var ended = s with { Dunning = null, CanceledBefore = true, CancelReason = "dunning_exhausted", OpenInvoiceId = null };
            return s.ProviderSubscriptionId is { } subscriptionId
                ? step.Take(LifecycleTransition.DunningExhausted, Canceled, ended, detail, new Effect.CancelAtProvider(subscriptionId, $"{s.ProductId}/{s.CustomerId}/dunning-{episode.Number}-cancel"))
                : step.Take(LifecycleTransition.DunningExhausted, Canceled, ended, detail);
        }

        var effects = new List<Effect>();
        if (policyStep.RetryPayment && episode.InvoiceId is { } invoiceId)
        {
            effects.Add(new Effect.RetryPayment(invoiceId, $"{s.ProductId}/{s.CustomerId}/dunning-{episode.Number}-{input.Step}"));
        }

        var next = s with { Dunning = taken };
        return policyStep.Action == DunningAction.Suspend && s.State == PastDue
            ? step.Take(LifecycleTransition.AccessSuspended, Suspended, next, detail, [.. effects])
            : step.Take(LifecycleTransition.DunningStepTaken, s.State, next, detail, [.. effects]);
    }

    /// <summary>
    /// Stripe dates its events to the second: observations are compared at that resolution, and within one
    /// second the one that arrives last wins.
    /// </summary>
    private static DateTimeOffset WholeSecond(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    /// <summary>A resumed or un-canceled subscription is trialing only while its trial lasts.</summary>
    private static SubscriptionState ResumeTarget(Subscription s, DateTimeOffset now) =>
        s.ResumeState == Trialing && s.TrialEnd > now ? Trialing : Active;

    /// <summary>
    /// The terms with the quantity and discounts the provider bills. A subscription without terms yet takes its plan's,
    /// so what the provider bills is not lost when the plan's price is fixed; when the plan moves, the price follows the
    /// plan and the quantity and discounts stay (<see cref="Step.Settled"/>).
    /// </summary>
    private static PriceTerms? BilledAsObserved(Step step, Subscription s, string? planId, ProviderSubscription o) =>
        (s.Terms ?? (step.Product.FindPlan(planId) is { } plan ? PriceTerms.Of(plan) : null)) is { } terms
            ? terms.Billed(o.Quantity, o.Discounts ?? terms.Discounts)
            : null;

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

    /// <summary>
    /// One decision in the making: the subscription, the input, the clock and the catalog; what money
    /// moved and which emails the input itself asks for, beside those its transition brings.
    /// </summary>
    internal readonly record struct Step(Subscription Current, LifecycleInput Input, DateTimeOffset Now, ProductDefinition Product)
    {
        public Money? Amount { get; init; }

        public IReadOnlyList<LifecycleEmail> Emails { get; init; } = [];

        public DunningPolicy Policy => Product.Dunning ?? DunningPolicy.Default;

        public Decision Take(LifecycleTransition transition, SubscriptionState target, Subscription next, string? detail, params Effect[] effects)
        {
            if (!LifecycleTable.Rule(transition).Allows(Current.State, target))
            {
                return Refuse(transition);
            }

            return Append(HistoryKind.Transition, transition, null, next with { State = target }, detail, effects, []);
        }

        public Decision Record(HistoryFact fact, Subscription next, string? detail, Money? amount = null, params Effect[] effects) =>
            (this with { Amount = amount ?? Amount }).Append(HistoryKind.Fact, null, fact, next with { State = Current.State }, detail, effects, []);

        /// <summary>Several facts from one input (overrides expiring together); null when the list is empty.</summary>
        public Decision Record(Subscription next, IReadOnlyList<(HistoryFact Fact, string? Detail)> facts) =>
            Append(HistoryKind.Fact, null, facts[0].Fact, next with { State = Current.State }, facts[0].Detail, [], facts.Skip(1).ToList());

        /// <summary>
        /// Skips the input. A refreshed subscription whose plan, price, period or provider ids moved is not
        /// skipped silently: every change of what is stored is recorded, as <see cref="HistoryFact.SubscriptionUpdated"/>.
        /// </summary>
        public Decision Skip(IgnoreReason reason, string explanation, Subscription? refreshed = null)
        {
            var next = Settled(refreshed ?? Current);
            return Changes(Current, next) is { Length: > 0 } changes
                ? Record(HistoryFact.SubscriptionUpdated, next, changes)
                : new Decision.Ignored(Remembered(next), reason, explanation);
        }

        public Decision Refuse(LifecycleTransition transition) =>
            new Decision.Refused(Current.State, transition, $"{transition} is not allowed from {Current.State}.");

        public Decision Reject(CommandErrorCode code, string explanation) => new Decision.Rejected(code, explanation);

        private Decision.Applied Append(
            HistoryKind kind, LifecycleTransition? transition, HistoryFact? fact, Subscription next, string? detail, Effect[] effects,
            IReadOnlyList<(HistoryFact Fact, string? Detail)> moreFacts)
        {
            var (sequence, now, actor) = (Current.LastSequence + 1, Now, Input.Actor);
            var consequences = LifecycleConsequences.Of(transition, fact, Current, Settled(next) with { LastSequence = sequence }, Now, Policy, Emails);
            var settled = consequences.Next;
            var showsTerms = kind == HistoryKind.Transition || settled.Terms != Current.Terms;
            var entries = new List<HistoryEntry>
            {
                new(sequence, Now, kind, transition?.ToString() ?? fact!.Value.ToString(), Current.State, settled.State, Input.Actor, detail,
                    showsTerms ? Current.Terms : null, showsTerms ? settled.Terms : null, Amount, transition, fact),
            };
            entries.AddRange(moreFacts.Select(f => Note(f.Fact, f.Detail)));

            var outgoing = new List<Effect>(effects);
            foreach (var email in consequences.Emails)
            {
                switch (LifecycleEmails.Compose(email, settled, Product))
                {
                    case (Effect.SendEmail send, _):
                        outgoing.Add(send);
                        break;
                    case (_, var reason):
                        entries.Add(Note(HistoryFact.EmailNotSent, $"template={email.Template}; {reason}"));
                        break;
                }
            }

            settled = settled with { LastSequence = entries[^1].Sequence };
            outgoing.AddRange(BoundaryEffects(settled));
            return new Decision.Applied(Remembered(settled), transition, entries, outgoing);

            HistoryEntry Note(HistoryFact noted, string? noteDetail) =>
                new(sequence + entries.Count, now, HistoryKind.Fact, noted.ToString(), settled.State, settled.State, actor, noteDetail, Fact: noted);
        }

        /// <summary>
        /// What follows from any change: the plan's price is fixed when the customer moves onto the plan,
        /// from the catalog of that moment; a new period makes the current one the previous one.
        /// </summary>
        private Subscription Settled(Subscription next)
        {
            if (next.State == Canceled && next.PendingChange is not null)
            {
                next = next with { PendingChange = null };
            }

            if (next.PendingChange is { } pending && next.CurrentPeriodStart >= pending.At)
            {
                next = next with { PlanId = pending.PlanId, PendingChange = null };
            }

            if (next.PlanId != Current.PlanId)
            {
                next = next with
                {
                    Terms = Product.FindPlan(next.PlanId) is { } plan ? PriceTerms.Of(plan, next.Terms?.Quantity ?? 1, next.Terms?.Discounts) : null,
                };
            }

            return Current.CurrentPeriodStart is { } start && next.CurrentPeriodStart > start ? next with { PreviousPeriodStart = start } : next;
        }

        /// <summary>
        /// What the rest of the service must learn of a change: which subscription a provider customer
        /// is, and, for a product with meters, the billing period usage counts in.
        /// </summary>
        private IEnumerable<Effect> BoundaryEffects(Subscription settled)
        {
            var key = $"{settled.ProductId}/{settled.CustomerId}";
            if (settled.ProviderCustomerId is { } customer && customer != Current.ProviderCustomerId)
            {
                yield return new Effect.IndexProviderCustomer(customer, key);
            }

            // The plan changed: its metered prices follow. A change scheduled for the period end changed the plan's
            // price when it was scheduled, and its metered prices change now that the period they billed is over;
            // a switch in the provider's portal changed the plan's price only. The service's own immediate change
            // sent them with the plan's price already.
            if (Input is not LifecycleInput.ChangePlan && Current.PlanId is { } previous && settled.PlanId != previous
                && settled.ProviderSubscriptionId is { } subscriptionId && Product.FindPlan(settled.PlanId) is { } plan
                && !Product.MeteredPriceIds(settled.PlanId).SequenceEqual(Product.MeteredPriceIds(previous)))
            {
                yield return new Effect.ChangeMeteredPrices(subscriptionId, plan.ProviderPriceId, Product.MeteredPriceIds(plan.PlanId), $"{key}/metered-{plan.PlanId}-{settled.LastSequence}");
            }

            if (Product.Meters is { Count: > 0 } && UsagePeriods.Of(settled) is var period && !period.SameTermsAs(UsagePeriods.Of(Current)))
            {
                yield return new Effect.SyncUsagePeriod(key, period);
            }
        }

        private Subscription Remembered(Subscription next) =>
            Input.ChangeId is { } change ? next.Remember(Input.InputId).Remember(change) : next.Remember(Input.InputId);

        private static string Changes(Subscription before, Subscription after)
        {
            var changes = new List<string>();
            Note("plan", before.PlanId, after.PlanId);
            Note("price", before.Terms is { } b ? $"{b.UnitAmountMinor} {b.Currency}/{b.Interval}" : null, after.Terms is { } a ? $"{a.UnitAmountMinor} {a.Currency}/{a.Interval}" : null);
            Note("quantity", before.Terms?.Quantity.ToString(CultureInfo.InvariantCulture), after.Terms?.Quantity.ToString(CultureInfo.InvariantCulture));
            Note("discounts", Discounts(before.Terms), Discounts(after.Terms));
            Note("period_start", before.CurrentPeriodStart?.ToString("O"), after.CurrentPeriodStart?.ToString("O"));
            Note("period_end", before.CurrentPeriodEnd?.ToString("O"), after.CurrentPeriodEnd?.ToString("O"));
            Note("trial_end", before.TrialEnd?.ToString("O"), after.TrialEnd?.ToString("O"));
            Note("subscription", before.ProviderSubscriptionId, after.ProviderSubscriptionId);
            Note("provider_customer", before.ProviderCustomerId, after.ProviderCustomerId);
            return string.Join("; ", changes);

            // Named with their coupon and id: one discount swapped for another that takes the same off is a change too.
            static string? Discounts(PriceTerms? terms) =>
                terms is { Discounts.Count: > 0 } ? string.Join(", ", terms.Discounts.Select(d => $"{d} (coupon {d.CouponId}, {d.Id})")) : null;

            void Note(string name, string? was, string? now)
            {
                if (!string.Equals(was, now, StringComparison.Ordinal))
                {
                    changes.Add($"{name}: {was ?? "none"} -> {now ?? "none"}");
                }
            }
        }
    }
}
