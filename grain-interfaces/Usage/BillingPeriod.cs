using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>
/// What metering needs to know of a subscription: which periods usage may count in, and whom the
/// provider bills. The subscription sends it whenever it changes; a newer one replaces an older one.
/// </summary>
/// <param name="State">The subscription's state (a renewing one counts late usage in the next period).</param>
/// <param name="CurrentStart">The current period's start.</param>
/// <param name="CurrentEnd">The current period's end.</param>
/// <param name="PreviousStart">The previous period's start: late usage may still count there.</param>
/// <param name="ProviderCustomerId">The provider's customer, whom forwarded usage is billed to.</param>
/// <param name="Version">The subscription's history sequence when it was sent: only grows.</param>
/// <param name="PlanId">The plan whose limits a meter that refuses overage holds usage to.</param>
/// <param name="LimitOverrides">Support's limit overrides, each in force until it expires.</param>
[GenerateSerializer, Immutable, Alias("billing.BillingPeriod")]
public sealed record BillingPeriod(
    [property: Id(0)] SubscriptionState State,
    [property: Id(1)] DateTimeOffset? CurrentStart,
    [property: Id(2)] DateTimeOffset? CurrentEnd,
    [property: Id(3)] DateTimeOffset? PreviousStart,
    [property: Id(4)] string? ProviderCustomerId,
    [property: Id(5)] long Version,
    [property: Id(6)] string? PlanId = null,
    [property: Id(7)] IReadOnlyList<LimitOverride>? LimitOverrides = null)
{
    /// <summary>Whether metering would act the same on both: everything but the version is equal.</summary>
    public bool SameTermsAs(BillingPeriod other) =>
        this with { Version = 0, LimitOverrides = null } == other with { Version = 0, LimitOverrides = null }
        && (LimitOverrides ?? []).SequenceEqual(other.LimitOverrides ?? []);

    /// <summary>What <paramref name="limit"/> is at <paramref name="now"/> on <paramref name="plan"/>: the latest override in force, else the plan's; null when unlimited.</summary>
    public long? LimitAt(string limit, Plan? plan, DateTimeOffset now) =>
        (LimitOverrides ?? []).Where(o => o.Limit == limit && o.ExpiresAt > now).OrderBy(o => o.GrantedAt).LastOrDefault() is { } granted
            ? granted.Value
            : plan is not null && plan.Limits.TryGetValue(limit, out var value) ? value : null;
}

/// <summary>A support override of a plan limit, as metering needs it.</summary>
[GenerateSerializer, Immutable, Alias("billing.LimitOverride")]
public sealed record LimitOverride(
    [property: Id(0)] string Limit,
    [property: Id(1)] long Value,
    [property: Id(2)] DateTimeOffset GrantedAt,
    [property: Id(3)] DateTimeOffset ExpiresAt);
