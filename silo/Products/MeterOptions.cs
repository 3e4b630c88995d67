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

    /// <summary>Usage above the plan limit: <c>Bill</c> (default, a soft limit) or <c>Refuse</c> (a hard one).</summary>
    public OveragePolicy Overage { get; set; } = OveragePolicy.Bill;

    /// <summary>Where the meter bills, by plan id; a plan without an entry does not bill this meter.</summary>
    public Dictionary<string, MeterPriceOptions> Prices { get; set; } = [];

    public Meter ToMeter(string meterId) => new(
        meterId,
        Aggregation,
        EventName ?? meterId,
        Limit,
        MaxQuantity,
        [.. Prices.Select(p => new MeterPrice(p.Key, p.Value.PriceId ?? "", p.Value.UnitAmount, p.Value.Included))],
        Overage);
}

/// <summary>A meter's Stripe metered price on one plan (<c>…:Meters:&lt;meterId&gt;:Prices:&lt;planId&gt;</c>).</summary>
public sealed class MeterPriceOptions
{
    /// <summary>The Stripe metered price.</summary>
    public string? PriceId { get; set; }

    /// <summary>Minor units (cents) per unit beyond what is included; fractions allowed.</summary>
    public decimal UnitAmount { get; set; }

    /// <summary>Units per period at no charge.</summary>
    public long Included { get; set; }
}
