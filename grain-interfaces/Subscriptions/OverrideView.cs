using System.Text.Json.Serialization;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>A support exception: one feature switched, or one limit set, for one customer until it expires.</summary>
/// <param name="Id">The override's id, for removing it.</param>
/// <param name="Feature">The feature it switches, or null.</param>
/// <param name="Limit">The limit it sets, or null.</param>
/// <param name="FeatureValue">The feature's value, when it is a feature override.</param>
/// <param name="LimitValue">The limit's value, when it is a limit override.</param>
/// <param name="Reason">Why support granted it.</param>
/// <param name="Actor">Who granted it.</param>
/// <param name="GrantedAt">When.</param>
/// <param name="ExpiresAt">When it stops applying.</param>
[GenerateSerializer, Immutable, Alias("billing.OverrideView")]
public sealed record OverrideView(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Feature,
    [property: Id(2)] string? Limit,
    [property: Id(3), JsonIgnore] bool? FeatureValue,
    [property: Id(4), JsonIgnore] long? LimitValue,
    [property: Id(5)] string Reason,
    [property: Id(6)] string Actor,
    [property: Id(7)] DateTimeOffset GrantedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt)
{
    /// <summary>The value as the override was asked for: <c>true</c>/<c>false</c> for a feature, a number for a limit.</summary>
    public object Value => FeatureValue is { } on ? on : LimitValue ?? 0L;

    [JsonIgnore]
    public bool IsFeature => Feature is not null;
}
