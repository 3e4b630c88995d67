using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>The durable outcome of one provider event.</summary>
[GenerateSerializer, Immutable, Alias("billing.EventOutcome")]
public sealed record EventOutcome(
    [property: Id(0)] EventOutcomeKind Kind,
    [property: Id(1)] SubscriptionState State,
    [property: Id(2)] LifecycleTransition? Transition,
    [property: Id(3)] string? Reason);
