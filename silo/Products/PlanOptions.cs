using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Silo.Products;

/// <summary>A plan declared in configuration (<c>Billing:Products:&lt;id&gt;:Plans:&lt;planId&gt;</c>).</summary>
public sealed class PlanOptions
{
    public string? Name { get; set; }

    /// <summary>The Stripe price id.</summary>
    public string? PriceId { get; set; }

    /// <summary>Minor units per interval (cents).</summary>
    public long Amount { get; set; }

    public string Currency { get; set; } = "usd";

    public BillingInterval Interval { get; set; } = BillingInterval.Month;

    public int TrialDays { get; set; }

    public Dictionary<string, bool> Features { get; set; } = [];

    public Dictionary<string, long> Limits { get; set; } = [];
}
