namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>What applying a provider event did (DESIGN.md §2, rules for Stripe events).</summary>
public enum EventOutcomeKind
{
    /// <summary>A transition was taken.</summary>
    Applied,
    /// <summary>A fact was recorded without a state change.</summary>
    Recorded,
    /// <summary>Already in the state the event leads to; newer fields may have been refreshed.</summary>
    NoChange,
    /// <summary>The event id was applied before.</summary>
    Duplicate,
    /// <summary>A one-way fact contradicts the event: it is late and was skipped.</summary>
    Stale,
    /// <summary>The lifecycle table allows no transition for it from the current state: an anomaly.</summary>
    NotAllowed,
    /// <summary>The product is not configured here, or the customer never started a checkout: the event is about nobody this service knows.</summary>
    Orphan,
}
