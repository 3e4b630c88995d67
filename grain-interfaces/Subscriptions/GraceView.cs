namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>A payment failed and dunning runs: access continues for a while, then stops.</summary>
/// <param name="Since">When the payment failed.</param>
/// <param name="AccessUntil">When access is suspended if nobody pays; null when the policy never suspends.</param>
/// <param name="CancelsAt">When the subscription is canceled if nobody pays.</param>
[GenerateSerializer, Immutable, Alias("billing.GraceView")]
public sealed record GraceView(
    [property: Id(0)] DateTimeOffset Since,
    [property: Id(1)] DateTimeOffset? AccessUntil,
    [property: Id(2)] DateTimeOffset? CancelsAt);
