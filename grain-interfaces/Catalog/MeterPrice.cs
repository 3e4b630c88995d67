namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>
/// How a meter bills on one plan: the provider's metered price that goes on the subscription beside the
/// plan's flat price, and what that price charges (as configured at the provider; the catalog says it
/// again for people and for the local sandbox). Usage is billed in arrears at the period's end.
/// </summary>
/// <param name="PlanId">The plan the price applies to.</param>
/// <param name="ProviderPriceId">The Stripe price (<c>recurring.usage_type=metered</c>, on the meter's event name).</param>
/// <param name="UnitAmountMinor">Minor units (cents) per unit above what is included; fractions allowed.</param>
/// <param name="IncludedUnits">Units per period the plan includes at no charge (a graduated price whose first tier is free).</param>
[GenerateSerializer, Immutable, Alias("billing.MeterPrice")]
public sealed record MeterPrice(
    [property: Id(0)] string PlanId,
    [property: Id(1)] string ProviderPriceId,
    [property: Id(2)] decimal UnitAmountMinor,
    [property: Id(3)] long IncludedUnits = 0);
