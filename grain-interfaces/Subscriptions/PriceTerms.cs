using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// What a subscription costs while it is paid for: the plan's price as it was when the customer moved
/// onto it. Fixed in the record at that moment, so a later change of the catalog never rewrites the past.
/// </summary>
/// <param name="PlanId">The plan.</param>
/// <param name="UnitAmountMinor">The price per interval and unit, in the currency's minor unit.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="Interval">How often it bills.</param>
/// <param name="Quantity">How many units (seats) are billed.</param>
[GenerateSerializer, Immutable, Alias("billing.PriceTerms")]
public sealed record PriceTerms(
    [property: Id(0)] string PlanId,
    [property: Id(1)] long UnitAmountMinor,
    [property: Id(2)] string Currency,
    [property: Id(3)] BillingInterval Interval,
    [property: Id(4)] int Quantity = 1)
{
    /// <summary>The terms of a plan of the catalog, for <paramref name="quantity"/> units.</summary>
    public static PriceTerms Of(Plan plan, int quantity = 1) => new(plan.PlanId, plan.AmountMinor, plan.Currency, plan.Interval, quantity);
}
