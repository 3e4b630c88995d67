namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>A metered quantity of a product: how usage is aggregated per billing period and where it is billed.</summary>
/// <param name="MeterId">The product's id for the meter (<c>api_calls</c>); usage is reported against it.</param>
/// <param name="Aggregation">How a period's events become one number.</param>
/// <param name="ProviderEventName">The Stripe Billing meter's event name the usage is forwarded to.</param>
/// <param name="Limit">The plan limit (a key of <see cref="Plan.Limits"/>) the meter counts against; null when usage is unlimited.</param>
[GenerateSerializer, Immutable, Alias("billing.Meter")]
public sealed record Meter(
    [property: Id(0)] string MeterId,
    [property: Id(1)] MeterAggregation Aggregation,
    [property: Id(2)] string ProviderEventName,
    [property: Id(3)] string? Limit = null);
