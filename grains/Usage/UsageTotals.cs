namespace OrleansBilling.Grains.Usage;

/// <summary>
/// Every aggregation of one meter in one period at once, so the meter's own aggregation
/// (<c>sum</c>, <c>count</c>, <c>max</c>, <c>last</c>) is a choice when reading, not when writing.
/// </summary>
/// <param name="PeriodStart">The billing period.</param>
/// <param name="MeterId">The meter.</param>
/// <param name="Sum">The sum of the quantities.</param>
/// <param name="Count">How many events.</param>
/// <param name="Max">The largest quantity.</param>
/// <param name="Last">The quantity of the event with the latest timestamp (the later accepted one on a tie).</param>
/// <param name="LastAt">That event's timestamp.</param>
public sealed record UsageTotals(
    DateTimeOffset PeriodStart,
    string MeterId,
    decimal Sum,
    long Count,
    decimal Max,
    decimal Last,
    DateTimeOffset LastAt);
