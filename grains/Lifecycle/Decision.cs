using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Effects;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>What the lifecycle decided for one input.</summary>
public abstract record Decision
{
    /// <summary>The input changed the subscription: a transition (<see cref="Transition"/> set) or a fact.</summary>
    /// <param name="Next">The subscription after the input.</param>
    /// <param name="Transition">The transition taken, or null for facts only.</param>
    /// <param name="Entries">The history entries to append, numbered on from the subscription's last one; the first is the input's own.</param>
    /// <param name="Effects">What to do outside once <paramref name="Next"/> is persisted.</param>
    public sealed record Applied(Subscription Next, LifecycleTransition? Transition, IReadOnlyList<HistoryEntry> Entries, IReadOnlyList<Effect> Effects) : Decision
    {
        /// <summary>The input's own entry.</summary>
        public HistoryEntry Entry => Entries[0];
    }

    /// <summary>The input changes nothing that the history records; <paramref name="Next"/> may refresh newer fields and remembers the input.</summary>
    public sealed record Ignored(Subscription Next, IgnoreReason Reason, string Explanation) : Decision;

    /// <summary>The lifecycle table does not allow the input's transition from the current state.</summary>
    public sealed record Refused(SubscriptionState Current, LifecycleTransition Attempted, string Explanation) : Decision;

    /// <summary>The input itself cannot be applied (an override of an unknown feature, one too many); nothing changes.</summary>
    public sealed record Rejected(CommandErrorCode Code, string Explanation) : Decision;
}
