using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>
/// What a subscription costs while it is paid for: the plan's price as it was when the customer moved
/// onto it, for the quantity and with the discounts the provider bills. The price is fixed in the record
/// at that moment, so a later change of the catalog never rewrites the past.
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
    /// <summary>The subscription's discounts in the order the provider applies them; empty when there are none.</summary>
    [Id(5)]
    public IReadOnlyList<PriceDiscount> Discounts { get; init; } = [];

    /// <summary>The terms of a plan of the catalog, for <paramref name="quantity"/> units, with <paramref name="discounts"/>.</summary>
    public static PriceTerms Of(Plan plan, int quantity = 1, IReadOnlyList<PriceDiscount>? discounts = null) =>
        new(plan.PlanId, plan.AmountMinor, plan.Currency, plan.Interval, quantity) { Discounts = discounts ?? [] };

    /// <summary>The same terms, billed for <paramref name="quantity"/> units with <paramref name="discounts"/>.</summary>
    public PriceTerms Billed(int quantity, IReadOnlyList<PriceDiscount> discounts) =>
        Quantity == quantity && Discounts.SequenceEqual(discounts) ? this : this with { Quantity = quantity, Discounts = discounts };

    /// <summary>Equal terms: the same price, quantity and discounts (in order).</summary>
    public bool Equals(PriceTerms? other) =>
        other is not null
        && PlanId == other.PlanId && UnitAmountMinor == other.UnitAmountMinor && Currency == other.Currency
        && Interval == other.Interval && Quantity == other.Quantity && Discounts.SequenceEqual(other.Discounts);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(PlanId, UnitAmountMinor, Currency, Interval, Quantity, Discounts.Count);
}
