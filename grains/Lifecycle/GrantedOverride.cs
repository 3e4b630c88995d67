using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Lifecycle;

/// <summary>
/// A support override as the grain keeps it. Its own record, not <see cref="OverrideView"/>: the
/// view is shaped for the API's JSON, and the grain's state is stored as JSON too.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.GrantedOverride")]
public sealed record GrantedOverride(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Feature,
    [property: Id(2)] string? Limit,
    [property: Id(3)] bool? FeatureValue,
    [property: Id(4)] long? LimitValue,
    [property: Id(5)] string Reason,
    [property: Id(6)] string Actor,
    [property: Id(7)] DateTimeOffset GrantedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt)
{
    public OverrideView View() => new(Id, Feature, Limit, FeatureValue, LimitValue, Reason, Actor, GrantedAt, ExpiresAt);
}
