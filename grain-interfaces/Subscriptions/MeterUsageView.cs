namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>One meter in the current billing period.</summary>
/// <param name="Used">The period's usage under the meter's aggregation.</param>
/// <param name="Limit">What the plan (or an override) allows; null when unlimited.</param>
/// <param name="Remaining">What is left of the limit, never below 0; null when unlimited.</param>
/// <param name="LimitOverridden">Whether a support override set the limit.</param>
[GenerateSerializer, Immutable, Alias("billing.MeterUsageView")]
public sealed record MeterUsageView(
    [property: Id(0)] decimal Used,
    [property: Id(1)] long? Limit,
    [property: Id(2)] decimal? Remaining,
    [property: Id(3)] bool LimitOverridden = false);
