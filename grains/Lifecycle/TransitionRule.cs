using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>One row of the lifecycle table: a named transition, the states it may leave and the states it may reach.</summary>
/// <param name="Transition">The transition's name.</param>
/// <param name="From">The states it may be taken from.</param>
/// <param name="To">The states it may lead to; <see cref="KeepsState"/> rows lead back to where they started.</param>
/// <param name="KeepsState">True for transitions that end where they began (<c>Renewed</c>, <c>PlanChanged</c>, <c>DunningStepTaken</c>).</param>
/// <param name="Trigger">What typically takes it, for people reading the table.</param>
public sealed record TransitionRule(
    LifecycleTransition Transition,
    IReadOnlySet<SubscriptionState> From,
    IReadOnlySet<SubscriptionState> To,
    bool KeepsState,
    string Trigger)
{
    /// <summary>True when the rule allows leaving <paramref name="from"/> for <paramref name="to"/>.</summary>
    public bool Allows(SubscriptionState from, SubscriptionState to) =>
        From.Contains(from) && (KeepsState ? from == to : To.Contains(to));
}
