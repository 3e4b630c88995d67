using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.ReadModel;

/// <summary>One entry of <c>billing.subscription_history</c>: append-only, unique per subscription and sequence.</summary>
public sealed record HistoryRow(
    string SubscriptionKey,
    long Sequence,
    string ProductId,
    string CustomerId,
    DateTimeOffset OccurredAt,
    HistoryKind Kind,
    string Name,
    SubscriptionState FromState,
    SubscriptionState ToState,
    string? DetailJson);
