namespace OrleansBilling.GrainInterfaces.Catalog;

/// <summary>How a meter turns a period's usage events into one number.</summary>
public enum MeterAggregation
{
    /// <summary>The sum of the quantities (API calls, gigabytes sent).</summary>
    Sum,
    /// <summary>How many events, whatever their quantity.</summary>
    Count,
    /// <summary>The largest quantity (peak seats, peak storage).</summary>
    Max,
    /// <summary>The quantity of the latest event by its timestamp (seats now, storage now).</summary>
    Last,
}
