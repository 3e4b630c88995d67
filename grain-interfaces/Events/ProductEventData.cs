using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>
/// <c>subscription.created</c>, <c>subscription.updated</c>, <c>subscription.canceled</c>: the subscription as it is after the change.
/// </summary>
/// <param name="State">The state now.</param>
/// <param name="PlanId">The plan now.</param>
/// <param name="CurrentPeriodStart">When the current period began.</param>
/// <param name="CurrentPeriodEnd">When it ends.</param>
/// <param name="TrialEnd">When the trial ends, while trialing.</param>
/// <param name="CancelAtPeriodEnd">Whether it ends at the period end.</param>
/// <param name="PendingChange">A plan change scheduled for the period end.</param>
/// <param name="Terms">What the customer pays for.</param>
/// <param name="Transitions">The lifecycle transitions of this change, oldest first (<c>PlanChanged</c>); empty when only terms or dates moved.</param>
/// <param name="PreviousState">The state before the change.</param>
/// <param name="PreviousPlanId">The plan before the change.</param>
public sealed record SubscriptionEventData(
    SubscriptionState State,
    string? PlanId,
    DateTimeOffset? CurrentPeriodStart,
    DateTimeOffset? CurrentPeriodEnd,
    DateTimeOffset? TrialEnd,
    bool CancelAtPeriodEnd,
    PendingChangeView? PendingChange,
    PriceTerms? Terms,
    IReadOnlyList<LifecycleTransition> Transitions,
    SubscriptionState PreviousState,
    string? PreviousPlanId);

/// <summary><c>usage.threshold_reached</c>: a meter's usage in the current period reached a share of its limit.</summary>
/// <param name="MeterId">The meter.</param>
/// <param name="Percent">The share of the limit reached (80, 100, as the product configures).</param>
/// <param name="Limit">The limit in force for the period, overrides applied.</param>
/// <param name="Used">The period's usage when it was reached.</param>
/// <param name="PeriodStart">The billing period it counts in.</param>
public sealed record UsageThresholdData(string MeterId, int Percent, decimal Limit, decimal Used, DateTimeOffset PeriodStart);

/// <summary><c>dunning.step_taken</c>: a step of the product's dunning policy was taken for an unpaid invoice.</summary>
/// <param name="Transition">The step's transition: <c>DunningStepTaken</c> (an email), <c>AccessSuspended</c>, <c>DunningExhausted</c> (canceled).</param>
/// <param name="State">The state after the step.</param>
/// <param name="InvoiceId">The unpaid invoice.</param>
/// <param name="Episode">Which dunning episode of the customer (1, 2, …).</param>
/// <param name="NextStepAt">When the next step falls due; null after the last.</param>
/// <param name="GraceEndsAt">When access ends unless paid; null when the policy keeps access.</param>
/// <param name="Detail">The step in words, as the history records it.</param>
public sealed record DunningStepData(
    LifecycleTransition Transition,
    SubscriptionState State,
    string? InvoiceId,
    int? Episode,
    DateTimeOffset? NextStepAt,
    DateTimeOffset? GraceEndsAt,
    string? Detail);

/// <summary><c>invoice.paid</c>, <c>invoice.payment_failed</c>: a payment of one of the customer's invoices.</summary>
/// <param name="InvoiceId">The provider's invoice id.</param>
/// <param name="AmountMinor">What was paid, in the currency's minor unit; null for a failure.</param>
/// <param name="Currency">ISO 4217, lower case; null for a failure.</param>
/// <param name="State">The subscription's state after it.</param>
/// <param name="Transition">The transition it caused (<c>Renewed</c>, <c>PaymentFailed</c>); null when it only was recorded.</param>
public sealed record InvoiceEventData(string? InvoiceId, long? AmountMinor, string? Currency, SubscriptionState State, LifecycleTransition? Transition);

/// <summary><c>refund.created</c>: money went back to the customer.</summary>
/// <param name="RefundId">The provider's refund id.</param>
/// <param name="InvoiceId">The invoice refunded, when known.</param>
/// <param name="AmountMinor">How much, in the currency's minor unit.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="IssuedBy">Who refunded: a member of staff (<c>admin:…</c>) through the service, or <c>stripe:…</c> when made at Stripe.</param>
/// <param name="Reason">The reason given.</param>
public sealed record RefundEventData(string? RefundId, string? InvoiceId, long AmountMinor, string Currency, string IssuedBy, string? Reason);
