using Microsoft.Extensions.Options;
using OrleansBilling.GrainInterfaces.Reporting;

namespace OrleansBilling.Grains.Reporting;

/// <summary>What a report adds up, from wherever it is kept: the reporting tables (PostgreSQL), or the history itself.</summary>
public interface IReportTotals
{
    Task<ReportTotals> ReadAsync(ReportRequest request, CancellationToken cancellationToken);
}

/// <summary>The totals rebuilt from the whole history on each report: the in-memory local default's, and the reference the tables are held to.</summary>
public sealed class RebuiltReportTotals(IReportingHistory history, IOptions<ReportingOptions> options) : IReportTotals
{
    public async Task<ReportTotals> ReadAsync(ReportRequest request, CancellationToken cancellationToken)
    {
        var totals = new ReportTotals(PortfolioReports.Periods(request));
        await foreach (var subscription in history.ReadAsync(request.ProductId, DateTimeOffset.MaxValue, cancellationToken))
        {
            totals.Add(ReportFacts.Of(subscription, options.Value));
        }

        return totals;
    }
}
