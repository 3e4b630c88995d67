using OrleansBilling.GrainInterfaces.Catalog;

namespace OrleansBilling.Grains.Usage;

/// <summary>Reading a period's totals under a meter's aggregation, and adding events to them.</summary>
public static class UsageTotalsExtensions
{
    /// <summary>The one number the meter's aggregation makes of the totals.</summary>
    public static decimal ValueFor(this UsageTotals totals, MeterAggregation aggregation) => aggregation switch
    {
        MeterAggregation.Sum => totals.Sum,
        MeterAggregation.Count => totals.Count,
        MeterAggregation.Max => totals.Max,
        MeterAggregation.Last => totals.Last,
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown aggregation."),
    };

    /// <summary>
    /// The totals with one more accepted event; <paramref name="totals"/> null starts them. On a
    /// timestamp tie the event added later is the last: the journal takes the later accepted, and
    /// within one acceptance the greater key, so events accepted together are added in key order.
    /// </summary>
    public static UsageTotals Add(this UsageTotals? totals, UsageRecord record) => totals is null
        ? new UsageTotals(record.PeriodStart, record.MeterId, record.Quantity, 1, record.Quantity, record.Quantity, record.Timestamp)
        : totals with
        {
            Sum = totals.Sum + record.Quantity,
            Count = totals.Count + 1,
            Max = Math.Max(totals.Max, record.Quantity),
            Last = record.Timestamp >= totals.LastAt ? record.Quantity : totals.Last,
            LastAt = record.Timestamp >= totals.LastAt ? record.Timestamp : totals.LastAt,
        };
}
