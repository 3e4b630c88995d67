using OrleansBilling.GrainInterfaces.Usage;

namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>A metered quantity of a product: how usage is aggregated per billing period and where it is billed.</summary>
/// <param name="MeterId">The product's id for the meter (<c>api_calls</c>); usage is reported against it.</param>
/// <param name="Aggregation">How a period's events become one number.</param>
/// <param name="ProviderEventName">The Stripe Billing meter's event name the usage is forwarded to.</param>
/// <param name="Limit">The plan limit (a key of <see cref="Plan.Limits"/>) the meter counts against; null when usage is unlimited.</param>
/// <param name="MaxQuantity">The largest quantity one event may report; <see cref="UsageQuantities.DefaultMax"/> when null.</param>
/// <param name="Prices">Where the meter bills: one metered price per plan it bills on; it bills nothing when null or empty.</param>
/// <param name="Overage">What happens to usage above the plan limit: billed (default) or refused.</param>
[GenerateSerializer, Immutable, Alias("billing.Meter")]
public sealed record Meter(
    [property: Id(0)] string MeterId,
    [property: Id(1)] MeterAggregation Aggregation,
    [property: Id(2)] string ProviderEventName,
    [property: Id(3)] string? Limit = null,
    [property: Id(4)] decimal? MaxQuantity = null,
    [property: Id(5)] IReadOnlyList<MeterPrice>? Prices = null,
    [property: Id(6)] OveragePolicy Overage = OveragePolicy.Bill)
{
    /// <summary>The metered price this meter bills through on <paramref name="planId"/>, or null.</summary>
    public MeterPrice? PriceFor(string? planId) => Prices?.FirstOrDefault(p => string.Equals(p.PlanId, planId, StringComparison.Ordinal));

    /// <summary>The largest quantity one event may report.</summary>
    public decimal EventMax => MaxQuantity ?? UsageQuantities.DefaultMax;
}
