using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Silo.Products;

/// <summary>A meter declared in configuration (<c>Billing:Products:&lt;id&gt;:Meters:&lt;meterId&gt;</c>).</summary>
public sealed class MeterOptions
{
    public MeterAggregation Aggregation { get; set; } = MeterAggregation.Sum;

    /// <summary>The Stripe Billing meter's event name; the meter id when not set.</summary>
    public string? EventName { get; set; }

    /// <summary>The plan limit the meter counts against, if any.</summary>
    public string? Limit { get; set; }

    /// <summary>The largest quantity one usage event may report; 1,000,000,000 when not set.</summary>
    public decimal? MaxQuantity { get; set; }
}
