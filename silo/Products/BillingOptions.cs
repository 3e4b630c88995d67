namespace OrleansBilling.Silo.Products;

/// <summary>The <c>Billing</c> configuration section.</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    public DemoOptions Demo { get; set; } = new();

    public Dictionary<string, ProductOptions> Products { get; set; } = new(StringComparer.Ordinal);
}
