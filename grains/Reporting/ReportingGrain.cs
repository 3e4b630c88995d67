using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansBilling.GrainInterfaces.Reporting;

namespace OrleansBilling.Grains.Reporting;

/// <summary>Reads a report's totals (<see cref="IReportTotals"/>) and assembles its rows; stateless, so any silo answers.</summary>
[GrainType("reporting"), StatelessWorker]
public sealed class ReportingGrain(IReportTotals totals, IOptions<ExchangeRateOptions> rates) : Grain, IReportingGrain
{
    public async Task<PortfolioReport> Report(ReportRequest request)
    {
        var report = PortfolioReports.Assemble(request, await totals.ReadAsync(request, CancellationToken.None));
        return report with { Totals = PortfolioReports.Totals(report, rates.Value) };
    }
}
