namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>One usage event as a product reports it.</summary>
/// <param name="MeterId">The catalog meter it counts on.</param>
/// <param name="Quantity">How much: not negative, at most the meter's maximum, at most six decimal places.</param>
/// <param name="Timestamp">When it happened; now when not given. It must fall in the current or the previous billing period.</param>
/// <param name="IdempotencyKey">The product's id for the event: an event repeated with the same key counts once.</param>
[GenerateSerializer, Immutable, Alias("billing.UsageEvent")]
public sealed record UsageEvent(
    [property: Id(0)] string MeterId,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] DateTimeOffset? Timestamp,
    [property: Id(3)] string IdempotencyKey);
