using OrleansBilling.GrainInterfaces.Lifecycle;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>What a customer may use right now: the hot path of every product.</summary>
/// <param name="State">The subscription's state.</param>
/// <param name="Entitled">Whether the state grants access at all.</param>
/// <param name="PlanId">The plan whose features and limits apply, when entitled.</param>
/// <param name="CurrentPeriodEnd">When the paid or trial period ends.</param>
/// <param name="Features">Feature switches; all off when not entitled.</param>
/// <param name="Limits">Numeric limits; empty when not entitled.</param>
/// <param name="Version">Changes whenever the answer may change; products may cache on it.</param>
[GenerateSerializer, Immutable, Alias("billing.EntitlementsView")]
public sealed record EntitlementsView(
    [property: Id(0)] SubscriptionState State,
    [property: Id(1)] bool Entitled,
    [property: Id(2)] string? PlanId,
    [property: Id(3)] DateTimeOffset? CurrentPeriodEnd,
    [property: Id(4)] IReadOnlyDictionary<string, bool> Features,
    [property: Id(5)] IReadOnlyDictionary<string, long> Limits,
    [property: Id(6)] long Version);
