using System.Text.Json.Serialization;
using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// A subscription as a product or support sees it: state, plan and price, period and recent history.
/// The customer's email address is for the service's own use (lifecycle email): no HTTP answer carries it.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.SubscriptionView")]
public sealed record SubscriptionView(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] SubscriptionState State,
    [property: Id(3)] string? PlanId,
    [property: Id(4)] DateTimeOffset? CurrentPeriodStart,
    [property: Id(5)] DateTimeOffset? CurrentPeriodEnd,
    [property: Id(6)] DateTimeOffset? TrialEnd,
    [property: Id(7)] bool CancelAtPeriodEnd,
    [property: Id(8), JsonIgnore] string? Email,
    [property: Id(9)] long Version,
    [property: Id(10)] IReadOnlyList<HistoryEntry> RecentHistory,
    [property: Id(11)] PriceTerms? Terms = null,
    [property: Id(12)] PendingChangeView? PendingChange = null);
