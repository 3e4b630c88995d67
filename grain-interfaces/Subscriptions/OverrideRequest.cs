namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>Support asks to switch one feature or set one limit for a customer until <paramref name="ExpiresAt"/>.</summary>
/// <param name="Feature">The feature to switch; exactly one of this and <paramref name="Limit"/>.</param>
/// <param name="Limit">The limit to set.</param>
/// <param name="FeatureValue">On or off, for a feature.</param>
/// <param name="LimitValue">The number, for a limit.</param>
/// <param name="Reason">Why; kept in the history.</param>
/// <param name="ExpiresAt">When it stops applying.</param>
[GenerateSerializer, Immutable, Alias("billing.OverrideRequest")]
public sealed record OverrideRequest(
    [property: Id(0)] string? Feature,
    [property: Id(1)] string? Limit,
    [property: Id(2)] bool? FeatureValue,
    [property: Id(3)] long? LimitValue,
    [property: Id(4)] string Reason,
    [property: Id(5)] DateTimeOffset ExpiresAt);
