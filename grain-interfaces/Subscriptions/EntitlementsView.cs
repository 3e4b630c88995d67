using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>What a customer may use right now: the hot path of every product.</summary>
/// <param name="State">The subscription's state.</param>
/// <param name="Entitled">Whether the state grants access at all.</param>
/// <param name="PlanId">The plan whose features and limits apply, when entitled.</param>
/// <param name="CurrentPeriodEnd">When the paid or trial period ends.</param>
/// <param name="Features">Feature switches, overrides applied; the plan's are all off when not entitled.</param>
/// <param name="Limits">Numeric limits, overrides applied; the plan's are left out when not entitled.</param>
/// <param name="Version">The subscription's revision.</param>
/// <param name="CurrentPeriodStart">When the current period began; usage counts from here.</param>
/// <param name="TrialEnd">When the trial ends, while trialing.</param>
/// <param name="Grace">The grace period of a failed payment, while dunning runs.</param>
/// <param name="Meters">Per meter: used, limit and remaining in the current period.</param>
/// <param name="Overrides">The support overrides in force; each is applied to <paramref name="Features"/>, <paramref name="Limits"/> and <paramref name="Meters"/>.</param>
/// <param name="PendingChange">A plan change scheduled for the period end, if any: until then the current plan applies.</param>
[GenerateSerializer, Immutable, Alias("billing.EntitlementsView")]
public sealed record EntitlementsView(
    [property: Id(0)] SubscriptionState State,
    [property: Id(1)] bool Entitled,
    [property: Id(2)] string? PlanId,
    [property: Id(3)] DateTimeOffset? CurrentPeriodEnd,
    [property: Id(4)] IReadOnlyDictionary<string, bool> Features,
    [property: Id(5)] IReadOnlyDictionary<string, long> Limits,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset? CurrentPeriodStart,
    [property: Id(8)] DateTimeOffset? TrialEnd,
    [property: Id(9)] GraceView? Grace,
    [property: Id(10)] IReadOnlyDictionary<string, MeterUsageView> Meters,
    [property: Id(11)] IReadOnlyList<OverrideView> Overrides,
    [property: Id(12)] PendingChangeView? PendingChange = null);
