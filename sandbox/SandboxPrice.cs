namespace OrleansBilling.Sandbox;

/// <summary>A recurring price the sandbox can sell, as Stripe would hold it.</summary>
/// <param name="Id">The price id the service sends (<c>line_items[0][price]</c>).</param>
/// <param name="ProductName">Shown on the hosted checkout page and used for the product id.</param>
/// <param name="UnitAmount">Amount per interval in the currency's smallest unit (0 for a metered price: see <see cref="Metered"/>).</param>
/// <param name="Currency">Lower-case ISO currency code.</param>
/// <param name="Interval"><c>day</c>, <c>week</c>, <c>month</c> or <c>year</c>.</param>
public sealed record SandboxPrice(string Id, string ProductName, long UnitAmount, string Currency, string Interval)
{
    /// <summary>How a metered price (<c>recurring.usage_type=metered</c>) counts and charges usage; null for a licensed price.</summary>
    public SandboxMeteredPrice? Metered { get; init; }
}

/// <summary>
/// A metered price on a Stripe billing meter: at each period's end the meter's events of the customer in
/// that period are aggregated and billed, the first <see cref="IncludedUnits"/> free (a graduated price
/// whose first tier costs nothing) and every further unit at <see cref="UnitAmountDecimal"/>.
/// </summary>
/// <param name="EventName">The meter's <c>event_name</c>: which meter events count.</param>
/// <param name="Aggregation">The meter's formula: <c>sum</c>, <c>count</c> or <c>last</c>.</param>
/// <param name="UnitAmountDecimal">Minor units per unit, fractions allowed (as <c>unit_amount_decimal</c>).</param>
/// <param name="IncludedUnits">Units per period billed at 0; 0 makes it a plain per-unit price.</param>
public sealed record SandboxMeteredPrice(string EventName, string Aggregation, decimal UnitAmountDecimal, long IncludedUnits = 0)
{
    /// <summary>Stripe's meter formulas (a meter cannot take the largest value).</summary>
    public static readonly IReadOnlyList<string> Aggregations = ["sum", "count", "last"];

    /// <summary>Graduated tiers when some units are included, else per unit.</summary>
    public bool Tiered => IncludedUnits > 0;
}
