namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>A meter's usage in a period reached a share of its limit.</summary>
/// <param name="MeterId">The meter.</param>
/// <param name="Percent">The share of the limit (one of the product's usage alerts).</param>
/// <param name="Limit">The limit in force, overrides applied.</param>
/// <param name="Used">The period's usage when it was seen.</param>
/// <param name="PeriodStart">The period it counts in.</param>
[GenerateSerializer, Immutable, Alias("billing.UsageThreshold")]
public sealed record UsageThreshold(
    [property: Id(0)] string MeterId,
    [property: Id(1)] int Percent,
    [property: Id(2)] decimal Limit,
    [property: Id(3)] decimal Used,
    [property: Id(4)] DateTimeOffset PeriodStart);
