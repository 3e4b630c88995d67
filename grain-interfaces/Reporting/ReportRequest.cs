namespace OrleansBilling.GrainInterfaces.Reporting;

/// <summary>The length of a report's periods.</summary>
public enum ReportInterval
{
    Day,

    /// <summary>ISO weeks, Monday to Sunday.</summary>
    Week,

    /// <summary>Calendar months.</summary>
    Month,
}

/// <summary>What a report covers: a product or the whole portfolio, the days from and to (UTC, both included), in periods of <see cref="Interval"/>.</summary>
/// <param name="ProductId">One product, or null for the portfolio.</param>
/// <param name="From">The first day.</param>
/// <param name="To">The last day.</param>
/// <param name="Interval">The periods' length; the first begins on the period holding <paramref name="From"/>.</param>
/// <param name="Currency">One currency (lower case), or null for each side by side.</param>
[GenerateSerializer, Immutable, Alias("billing.ReportRequest")]
public sealed record ReportRequest(
    [property: Id(0)] string? ProductId,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly To,
    [property: Id(3)] ReportInterval Interval,
    [property: Id(4)] string? Currency);
