using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using S = OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;
using T = OrleansBilling.GrainInterfaces.Lifecycle.LifecycleTransition;

namespace OrleansBilling.Tests.Lifecycle;

/// <summary>
/// <see cref="LifecycleTable"/> against DESIGN.md §2, copied out here by hand: the table in the
/// code must not be its own expectation.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class LifecycleTableTests
{
    private static readonly S[] DesignStates =
        [S.None, S.Incomplete, S.Trialing, S.Active, S.PastDue, S.Suspended, S.Paused, S.Canceling, S.Canceled];

    private static readonly T[] DesignTransitions =
    [
        T.CheckoutStarted, T.CheckoutExpired, T.TrialStarted, T.Activated, T.WonBack, T.TrialConverted,
        T.Renewed, T.PlanChanged, T.PaymentFailed, T.DunningStepTaken, T.AccessSuspended, T.PaymentRecovered,
        T.DunningExhausted, T.CancelScheduled, T.CancelUndone, T.Canceled, T.Paused, T.Resumed,
    ];

    /// <summary>Every arrow of the design's transition table, one (transition, from, to) per line.</summary>
    private static readonly (T Transition, S From, S To)[] DesignArrows =
    [
        (T.CheckoutStarted, S.None, S.Incomplete),
        (T.CheckoutStarted, S.Canceled, S.Incomplete),
        (T.CheckoutStarted, S.Incomplete, S.Incomplete),

        (T.CheckoutExpired, S.Incomplete, S.None),
        (T.CheckoutExpired, S.Incomplete, S.Canceled),

        (T.TrialStarted, S.Incomplete, S.Trialing),

        (T.Activated, S.Incomplete, S.Active),

        (T.WonBack, S.Incomplete, S.Active),
        (T.WonBack, S.Incomplete, S.Trialing),
        (T.WonBack, S.Canceled, S.Active),
        (T.WonBack, S.Canceled, S.Trialing),

        (T.TrialConverted, S.Trialing, S.Active),

        (T.Renewed, S.Active, S.Active),

        (T.PlanChanged, S.Trialing, S.Trialing),
        (T.PlanChanged, S.Active, S.Active),

        (T.PaymentFailed, S.Active, S.PastDue),
        (T.PaymentFailed, S.Trialing, S.PastDue),

        (T.DunningStepTaken, S.PastDue, S.PastDue),
        (T.DunningStepTaken, S.Suspended, S.Suspended),

        (T.AccessSuspended, S.PastDue, S.Suspended),

        (T.PaymentRecovered, S.PastDue, S.Active),
        (T.PaymentRecovered, S.Suspended, S.Active),

        (T.DunningExhausted, S.PastDue, S.Canceled),
        (T.DunningExhausted, S.Suspended, S.Canceled),

        (T.CancelScheduled, S.Trialing, S.Canceling),
        (T.CancelScheduled, S.Active, S.Canceling),

        (T.CancelUndone, S.Canceling, S.Active),
        (T.CancelUndone, S.Canceling, S.Trialing),

        // "any live state": every state with a running subscription at the provider.
        (T.Canceled, S.Trialing, S.Canceled),
        (T.Canceled, S.Active, S.Canceled),
        (T.Canceled, S.PastDue, S.Canceled),
        (T.Canceled, S.Suspended, S.Canceled),
        (T.Canceled, S.Paused, S.Canceled),
        (T.Canceled, S.Canceling, S.Canceled),

        (T.Paused, S.Active, S.Paused),
        (T.Paused, S.Trialing, S.Paused),

        (T.Resumed, S.Paused, S.Active),
        (T.Resumed, S.Paused, S.Trialing),
    ];

    /// <summary>All 18 transitions × all 9 states.</summary>
    public static TheoryData<T, S> EveryTransitionFromEveryState { get; } =
        new(DesignTransitions.SelectMany(transition => DesignStates.Select(state => (transition, state))));

    [Fact]
    public void States_are_the_nine_of_the_design()
    {
        Assert.Equal(DesignStates.Order(), Enum.GetValues<S>().Order());
    }

    [Fact]
    public void Transitions_are_the_eighteen_of_the_design()
    {
        Assert.Equal(DesignTransitions.Order(), Enum.GetValues<T>().Order());
    }

    [Fact]
    public void Table_has_one_row_per_transition()
    {
        Assert.Equal(DesignTransitions.Order(), LifecycleTable.Rules.Select(rule => rule.Transition).Order());
    }

    [Theory]
    [MemberData(nameof(EveryTransitionFromEveryState))]
    public void Transition_may_be_taken_exactly_from_the_states_the_design_lists(T transition, S from)
    {
        var designAllows = DesignArrows.Any(arrow => arrow.Transition == transition && arrow.From == from);

        Assert.Equal(designAllows, LifecycleTable.CanTake(transition, from));
    }

    [Theory]
    [MemberData(nameof(EveryTransitionFromEveryState))]
    public void Transition_leads_exactly_to_the_states_the_design_lists(T transition, S from)
    {
        var designTargets = DesignArrows
            .Where(arrow => arrow.Transition == transition && arrow.From == from)
            .Select(arrow => arrow.To);

        var tableTargets = DesignStates.Where(to => LifecycleTable.Rule(transition).Allows(from, to));

        Assert.Equal(designTargets.Order(), tableTargets.Order());
    }

    [Fact]
    public void Entitled_states_are_exactly_trialing_active_past_due_and_canceling()
    {
        S[] designEntitled = [S.Trialing, S.Active, S.PastDue, S.Canceling];

        Assert.Equal(designEntitled.Order(), LifecycleTable.EntitledStates.Order());
    }

    [Theory]
    [InlineData(S.None, false)]
    [InlineData(S.Incomplete, false)]
    [InlineData(S.Trialing, true)]
    [InlineData(S.Active, true)]
    [InlineData(S.PastDue, true)]
    [InlineData(S.Suspended, false)]
    [InlineData(S.Paused, false)]
    [InlineData(S.Canceling, true)]
    [InlineData(S.Canceled, false)]
    public void State_is_entitled_as_the_design_says(S state, bool entitled)
    {
        Assert.Equal(entitled, LifecycleTable.IsEntitled(state));
    }
}
