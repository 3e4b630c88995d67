namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>The answer for one usage event, in the order the events were sent.</summary>
/// <param name="IdempotencyKey">The event's key.</param>
/// <param name="Outcome">Accepted, duplicate or rejected.</param>
/// <param name="Error">Why it was rejected.</param>
/// <param name="Detail">The rejection in words.</param>
/// <param name="PeriodStart">The billing period it counts in, when accepted.</param>
[GenerateSerializer, Immutable, Alias("billing.UsageResult")]
public sealed record UsageResult(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] UsageOutcome Outcome,
    [property: Id(2)] UsageError? Error = null,
    [property: Id(3)] string? Detail = null,
    [property: Id(4)] DateTimeOffset? PeriodStart = null);
