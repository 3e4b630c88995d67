using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>One line of a subscription's history: a transition it took or a fact it recorded.</summary>
/// <param name="Sequence">1, 2, 3, … per subscription; never reused.</param>
/// <param name="OccurredAt">When the service applied it.</param>
/// <param name="Kind">Transition or fact.</param>
/// <param name="Name">The transition's name (<c>PaymentFailed</c>) or the fact's (<c>CheckoutSessionOpened</c>).</param>
/// <param name="From">The state before.</param>
/// <param name="To">The state after (equal to <paramref name="From"/> for facts).</param>
/// <param name="Source">What caused it: <c>api</c>, <c>provider</c>, <c>dunning</c>, <c>admin</c>.</param>
/// <param name="Detail">Plain words or identifiers that explain the entry (plan, invoice, reason).</param>
[GenerateSerializer, Immutable, Alias("billing.HistoryEntry")]
public sealed record HistoryEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] HistoryKind Kind,
    [property: Id(3)] string Name,
    [property: Id(4)] SubscriptionState From,
    [property: Id(5)] SubscriptionState To,
    [property: Id(6)] string Source,
    [property: Id(7)] string? Detail);
