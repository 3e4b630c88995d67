namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// What happens to the invoices of a subscription whose collection is paused, as Stripe's
/// <c>pause_collection[behavior]</c>: the subscription keeps running and renewing, its invoices are not charged.
/// </summary>
public enum PauseBehavior
{
    /// <summary>Invoices are voided: the paused time is free.</summary>
    Void,

    /// <summary>Invoices stay drafts, to be finalized and charged later by hand.</summary>
    KeepAsDraft,

    /// <summary>Invoices are finalized and marked uncollectible.</summary>
    MarkUncollectible,
}

/// <summary>A request to pause collection.</summary>
/// <param name="Behavior">What becomes of the invoices made while paused.</param>
/// <param name="ResumesAt">When collection resumes by itself; until resumed when null.</param>
[GenerateSerializer, Immutable, Alias("billing.PauseRequest")]
public sealed record PauseRequest(
    [property: Id(0)] PauseBehavior Behavior,
    [property: Id(1)] DateTimeOffset? ResumesAt);
