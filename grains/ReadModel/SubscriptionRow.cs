using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.Grains.ReadModel;

/// <summary>A subscription's current row in the read model (<c>billing.subscriptions</c>), for search and reporting.</summary>
public sealed record SubscriptionRow(
    string SubscriptionKey,
    string ProductId,
    string CustomerId,
    SubscriptionState State,
    string? PlanId,
    DateTimeOffset? CurrentPeriodEnd,
    string? Email,
    string? ProviderCustomerId,
    string? ProviderSubscriptionId,
    long Version,
    DateTimeOffset UpdatedAt,
    int WinBacks = 0,
    DateTimeOffset? LastWonBackAt = null);
