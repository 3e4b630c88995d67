namespace OrleansBilling.GrainInterfaces.Events;

/// <summary>
/// What to send an endpoint again: one event, or every event of its types that occurred in [<paramref name="From"/>,
/// <paramref name="To"/>). Each is sent with its own id, so a receiver that already has it drops it.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.ReplayRequest")]
public sealed record ReplayRequest(
    [property: Id(0)] string? EventId,
    [property: Id(1)] DateTimeOffset? From,
    [property: Id(2)] DateTimeOffset? To);

/// <summary>How many events a replay queued for delivery.</summary>
[GenerateSerializer, Immutable, Alias("billing.ReplayResult")]
public sealed record ReplayResult([property: Id(0)] int Queued);
