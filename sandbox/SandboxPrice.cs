namespace OrleansBilling.Sandbox;

/// <summary>A recurring price the sandbox can sell, as Stripe would hold it.</summary>
/// <param name="Id">The price id the service sends (<c>line_items[0][price]</c>).</param>
/// <param name="ProductName">Shown on the hosted checkout page and used for the product id.</param>
/// <param name="UnitAmount">Amount per interval in the currency's smallest unit.</param>
/// <param name="Currency">Lower-case ISO currency code.</param>
/// <param name="Interval"><c>day</c>, <c>week</c>, <c>month</c> or <c>year</c>.</param>
public sealed record SandboxPrice(string Id, string ProductName, long UnitAmount, string Currency, string Interval);
