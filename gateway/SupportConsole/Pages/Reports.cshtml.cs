using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using OrleansBilling.Gateway.Admin;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.SupportConsole.Pages;

/// <summary>
/// Reporting for finance and admins: MRR over time, its movements, churn and dunning recovery, for a product or the
/// portfolio, as charts with the numbers under each and as CSV, computed by the same definitions as the admin API.
/// </summary>
public sealed class ReportsModel(IGrainFactory grains, TimeProvider clock) : ConsolePage(grains, clock)
{
    public IReadOnlyList<string> ProductIds { get; private set; } = [];

    public PortfolioReport? Report { get; private set; }

    public Dictionary<string, string[]> Problems { get; private set; } = [];

    public string? Product { get; private set; }

    public string From { get; private set; } = "";

    public string To { get; private set; } = "";

    public string Interval { get; private set; } = "month";

    public string? Currency { get; private set; }

    /// <summary>The query of this report, for its CSV links.</summary>
    public string Query => $"product={Product}&from={From}&to={To}&interval={Interval}&currency={Currency}";

    public async Task<IActionResult> OnGetAsync(string? product, string? from, string? to, string? interval, string? currency)
    {
        if (await PrepareAsync(product, from, to, interval, currency) is { } refused)
        {
            return refused;
        }

        var (request, problems) = ReportsAdminApi.RequestOf(Product, From, To, Interval, Currency);
        Problems = problems;
        Report = request is null ? null : await Grains.GetGrain<IReportingGrain>(0).Report(request);
        return Page();
    }

    /// <summary>One of the report's tables as CSV, as <c>GET /admin/v1/reports/{report}</c> answers it.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? report, string? product, string? from, string? to, string? interval, string? currency)
    {
        if (await PrepareAsync(product, from, to, interval, currency) is { } refused)
        {
            return refused;
        }

        var (request, problems) = ReportsAdminApi.RequestOf(Product, From, To, Interval, Currency);
        if (request is null)
        {
            return BadRequest(string.Join(" ", problems.SelectMany(p => p.Value)));
        }

        var answer = await Grains.GetGrain<IReportingGrain>(0).Report(request);
        string? csv = report switch
        {
            "mrr" => ReportsAdminApi.CsvOf(answer.Mrr),
            "movements" => ReportsAdminApi.CsvOf(answer.Movements),
            "churn" => ReportsAdminApi.CsvOf(answer.Churn),
            "dunning" => ReportsAdminApi.CsvOf(answer.Dunning),
            _ => null,
        };
        return csv is null ? NotFound() : File(System.Text.Encoding.UTF8.GetBytes(csv), ReportsAdminApi.Csv, $"{report}-{Product ?? "portfolio"}-{From}-{To}.csv");
    }

    /// <summary>Finance's, with the last twelve months by default.</summary>
    private async Task<IActionResult?> PrepareAsync(string? product, string? from, string? to, string? interval, string? currency)
    {
        if (!May(StaffRole.Finance))
        {
            return await ForbiddenAsync("read-reports", StaffRole.Finance, null, null);
        }

        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        Product = string.IsNullOrWhiteSpace(product) ? null : product.Trim();
        From = string.IsNullOrWhiteSpace(from) ? new DateOnly(today.Year, today.Month, 1).AddMonths(-11).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : from.Trim();
        To = string.IsNullOrWhiteSpace(to) ? today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : to.Trim();
        Interval = string.IsNullOrWhiteSpace(interval) ? "month" : interval.Trim();
        Currency = string.IsNullOrWhiteSpace(currency) ? null : currency.Trim();
        ProductIds = await KnownProductsAsync();
        return null;
    }

    /// <summary>A period's label on a chart: the month (2026-11) for months, else the first day.</summary>
    public string Label(DateOnly period) =>
        Report?.Request.Interval == ReportInterval.Month ? period.ToString("yyyy-MM", CultureInfo.InvariantCulture) : period.ToString("MM-dd", CultureInfo.InvariantCulture);
}
