using System.Collections.Frozen;
using OrleansBilling.GrainInterfaces.Lifecycle;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// The lifecycle table of DESIGN.md §2, as data: every state a subscription may be in, every
/// named transition, where each may start and where it may lead. Nothing changes a
/// subscription's state except a transition this table allows.
/// </summary>
public static class LifecycleTable
{
    /// <summary>States with a running subscription at the provider: <c>Canceled</c> may be reached from any of them.</summary>
    public static IReadOnlySet<SubscriptionState> LiveStates { get; } =
        Set(Trialing, Active, PastDue, Suspended, Paused, Canceling);

    /// <summary>States that grant the plan's features and limits.</summary>
    public static IReadOnlySet<SubscriptionState> EntitledStates { get; } =
        Set(Trialing, Active, PastDue, Canceling);

    /// <summary>The transitions, one row each.</summary>
    public static IReadOnlyList<TransitionRule> Rules { get; } =
    [
        Row(LifecycleTransition.CheckoutStarted, from: [None, Canceled, Incomplete], to: [Incomplete], "API: create checkout (again, if abandoned)"),
        Row(LifecycleTransition.CheckoutExpired, from: [Incomplete], to: [None, Canceled], "checkout.session.expired: back to where checkout began"),
        Row(LifecycleTransition.TrialStarted, from: [Incomplete], to: [Trialing], "subscription created trialing"),
        Row(LifecycleTransition.Activated, from: [Incomplete], to: [Active], "subscription created active / first invoice paid"),
        Row(LifecycleTransition.WonBack, from: [Incomplete, Canceled], to: [Active, Trialing], "a customer canceled before subscribes again"),
        Row(LifecycleTransition.TrialConverted, from: [Trialing], to: [Active], "first paid invoice after the trial"),
        Same(LifecycleTransition.Renewed, from: [Active], "invoice.paid for a new period"),
        Same(LifecycleTransition.PlanChanged, from: [Trialing, Active], "API: change plan"),
        Row(LifecycleTransition.PaymentFailed, from: [Active, Trialing], to: [PastDue], "invoice.payment_failed: dunning starts"),
        Same(LifecycleTransition.DunningStepTaken, from: [PastDue, Suspended], "dunning reminder: email, optional payment retry"),
        Row(LifecycleTransition.AccessSuspended, from: [PastDue], to: [Suspended], "dunning step with action suspend"),
        Row(LifecycleTransition.PaymentRecovered, from: [PastDue, Suspended], to: [Active], "invoice.paid: dunning stops"),
        Row(LifecycleTransition.DunningExhausted, from: [PastDue, Suspended], to: [Canceled], "last dunning step: hard cancel"),
        Row(LifecycleTransition.CancelScheduled, from: [Trialing, Active], to: [Canceling], "API cancel at period end / cancel_at_period_end=true"),
        Row(LifecycleTransition.CancelUndone, from: [Canceling], to: [Active, Trialing], "API resume / cancel_at_period_end=false"),
        Row(LifecycleTransition.Canceled, from: [.. LiveStates], to: [Canceled], "API cancel now / customer.subscription.deleted"),
        Row(LifecycleTransition.Paused, from: [Active, Trialing], to: [Paused], "customer.subscription.paused"),
        Row(LifecycleTransition.Resumed, from: [Paused], to: [Active, Trialing], "customer.subscription.resumed / API resume"),
    ];

    private static readonly FrozenDictionary<LifecycleTransition, TransitionRule> ByTransition =
        Rules.ToFrozenDictionary(rule => rule.Transition);

    /// <summary>The row of a transition.</summary>
    public static TransitionRule Rule(LifecycleTransition transition) => ByTransition[transition];

    /// <summary>True when <paramref name="transition"/> may be taken from <paramref name="from"/> at all.</summary>
    public static bool CanTake(LifecycleTransition transition, SubscriptionState from) => Rule(transition).From.Contains(from);

    /// <summary>True when the state grants the plan's features and limits.</summary>
    public static bool IsEntitled(SubscriptionState state) => EntitledStates.Contains(state);

    private static TransitionRule Row(LifecycleTransition transition, SubscriptionState[] from, SubscriptionState[] to, string trigger) =>
        new(transition, Set(from), Set(to), KeepsState: false, trigger);

    private static TransitionRule Same(LifecycleTransition transition, SubscriptionState[] from, string trigger) =>
        new(transition, Set(from), Set(from), KeepsState: true, trigger);

    private static FrozenSet<SubscriptionState> Set(params SubscriptionState[] states) => states.ToFrozenSet();
}
