using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Reporting;

namespace OrleansBilling.Grains.Reporting;

/// <summary>Reads the history through <see cref="IReportingHistory"/> and computes the report; stateless, so any silo answers.</summary>
[GrainType("reporting"), StatelessWorker]
public sealed class ReportingGrain(IReportingHistory history, IOptions<ReportingOptions> options) : Grain, IReportingGrain
{
    public async Task<PortfolioReport> Report(ReportRequest request)
    {
        var periods = PortfolioReports.Periods(request);
        var until = PortfolioReports.Beginning(periods[^1].End).AddTicks(-1);
        var subscriptions = new List<IReadOnlyList<ReportingEntry>>();
        await foreach (var subscription in history.ReadAsync(request.ProductId, until, CancellationToken.None))
        {
            subscriptions.Add(subscription);
        }

        return PortfolioReports.Compute(request, subscriptions, options.Value);
    }
}
