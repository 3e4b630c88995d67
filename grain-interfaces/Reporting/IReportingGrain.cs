using Orleans.Concurrency;

namespace OrleansBilling.GrainInterfaces.Reporting;

/// <summary>Reports computed from the subscriptions' history (never from Stripe); any silo answers (key 0).</summary>
[Alias("billing.IReportingGrain")]
public interface IReportingGrain : IGrainWithIntegerKey
{
    [ReadOnly, Alias("Report")]
    Task<PortfolioReport> Report(ReportRequest request);
}
