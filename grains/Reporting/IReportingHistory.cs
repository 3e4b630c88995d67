namespace OrleansBilling.Grains.Reporting;

/// <summary>The subscription history as reporting reads it: every subscription's entries that move state or terms, in order.</summary>
public interface IReportingHistory
{
    /// <summary>Each subscription of <paramref name="productId"/> (every product when null), its entries up to <paramref name="until"/> in order.</summary>
    IAsyncEnumerable<IReadOnlyList<ReportingEntry>> ReadAsync(string? productId, DateTimeOffset until, CancellationToken cancellationToken);
}
