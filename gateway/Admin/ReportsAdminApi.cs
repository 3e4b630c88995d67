using System.Globalization;
using System.Reflection;
using System.Text;
using OrleansBilling.Gateway.Problems;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.GrainInterfaces.Staff;

namespace OrleansBilling.Gateway.Admin;

/// <summary>
/// Portfolio reports for finance (<c>/admin/v1/reports/…</c>): computed from the subscriptions' history, never from
/// Stripe, so the same question about the past gets the same numbers. JSON, or CSV with <c>Accept: text/csv</c>.
/// </summary>
public static class ReportsAdminApi
{
    /// <summary>The media type of the CSV answers.</summary>
    public const string Csv = "text/csv";

    /// <summary>The most periods one report covers (a little over two years of days).</summary>
    public const int MostPeriods = 800;

    public static void MapReports(this RouteGroupBuilder admin)
    {
        var reports = admin.MapGroup("/reports").RequiresStaff(StaffRole.Finance);
        Map<MrrRow>(reports, "mrr", "ReportMrr", "MRR at the end of each period, per currency: the monthly-normalised recurring amount of the subscriptions that count", r => r.Mrr);
        Map<MovementRow>(reports, "movements", "ReportMovements", "MRR movements per period, currency and kind (new, expansion, contraction, churn, reactivation), signed", r => r.Movements);
        Map<ChurnRow>(reports, "churn", "ReportChurn", "Subscriber churn, gross and net revenue churn, ARPA and LTV per period and currency", r => r.Churn);
        Map<LtvRow>(reports, "ltv", "ReportLtv", "ARPA, the monthly subscriber churn rate and LTV (ARPA ÷ that rate) per period and currency", r => r.Churn.Select(LtvRow.Of).ToList());
        Map<StateCountRow>(reports, "states", "ReportStates", "Customers by state at the end of each period", r => r.States);
        Map<DunningRow>(reports, "dunning", "ReportDunning", "Dunning episodes opened, recovered and canceled, the recovery rate and the MRR saved, per period and currency", r => r.Dunning);
        Map<TrialRow>(reports, "trials", "ReportTrials", "Trials started and converted, and the conversion rate, per period", r => r.Trials);
        Map<TotalRow>(reports, "total", "ReportTotal", "The portfolio's MRR at the end of each period in the reporting currency (Billing:ExchangeRates), each currency at its configured rate in force on the period's last day; no total where a rate is missing", r => r.Totals ?? []);
    }

    private static void Map<T>(RouteGroupBuilder reports, string path, string name, string summary, Func<PortfolioReport, IReadOnlyList<T>> rows)
    {
        reports.MapGet($"/{path}", (string? product, string? from, string? to, string? interval, string? currency, IGrainFactory grains, HttpContext http) =>
                AnswerAsync(http, grains, product, from, to, interval, currency, rows))
            .WithName(name)
            .WithSummary($"{summary}. Query: product (omit for the portfolio), from and to (days, yyyy-MM-dd, both included), interval (day, week or month; month by default), currency")
            .Produces<IReadOnlyList<T>>(StatusCodes.Status200OK, "application/json", Csv)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The request's problems, or the report's request.</summary>
    public static (ReportRequest? Request, Dictionary<string, string[]> Problems) RequestOf(string? product, string? from, string? to, string? interval, string? currency)
    {
        var problems = new Dictionary<string, string[]>();
        if (product is not null && !BillingIds.IsValid(product))
        {
            problems["product"] = [$"A product id: {BillingIds.Rule}."];
        }

        if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) || first.Year is < 2000 or > 2100)
        {
            problems["from"] = ["The first day, yyyy-MM-dd, in the years 2000 to 2100."];
        }

        if (!DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last) || last < first || last.Year is < 2000 or > 2100)
        {
            problems["to"] = ["The last day, yyyy-MM-dd, in the years 2000 to 2100, not before from."];
        }

        ReportInterval? length = (interval ?? "month") switch
        {
            "day" => ReportInterval.Day,
            "week" => ReportInterval.Week,
            "month" => ReportInterval.Month,
            _ => null,
        };
        if (length is null)
        {
            problems["interval"] = ["day, week or month."];
        }

        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterLower)))
        {
            problems["currency"] = ["An ISO 4217 code in lower case, such as usd."];
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var request = new ReportRequest(product, first, last, length!.Value, currency);
        if (PortfolioReportsCount(request) > MostPeriods)
        {
            problems["interval"] = [$"At most {MostPeriods} periods in one report: a longer interval, or a shorter range."];
            return (null, problems);
        }

        return (request, problems);
    }

    private static int PortfolioReportsCount(ReportRequest request) => request.Interval switch
    {
        ReportInterval.Day => request.To.DayNumber - request.From.DayNumber + 1,
        ReportInterval.Week => PortfolioWeeks(request),
        _ => ((request.To.Year - request.From.Year) * 12) + request.To.Month - request.From.Month + 1,
    };

    /// <summary>ISO weeks from the one holding the first day to the one holding the last.</summary>
    private static int PortfolioWeeks(ReportRequest request)
    {
        static int Monday(DateOnly day) => day.DayNumber - (((int)day.DayOfWeek + 6) % 7);
        return ((Monday(request.To) - Monday(request.From)) / 7) + 1;
    }

    private static async Task<IResult> AnswerAsync<T>(
        HttpContext http, IGrainFactory grains, string? product, string? from, string? to, string? interval, string? currency, Func<PortfolioReport, IReadOnlyList<T>> rows)
    {
        var (request, problems) = RequestOf(product, from, to, interval, currency);
        if (request is null)
        {
            return ApiProblems.InvalidRequest(problems);
        }

        if (request.ProductId is { } productId && await grains.GetGrain<GrainInterfaces.Products.IProductGrain>(BillingIds.ProductKey(productId)).GetDefinition() is null)
        {
            return AdminApi.UnknownProduct(productId);
        }

        var answer = rows(await grains.GetGrain<IReportingGrain>(0).Report(request));
        return http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase))
            ? Results.Text(CsvOf(answer), $"{Csv}; charset=utf-8", Encoding.UTF8)
            : Results.Ok(answer);
    }

    /// <summary>
    /// Rows as CSV (RFC 4180): a header of the JSON names, invariant numbers, ISO dates. A text that a spreadsheet would
    /// take for a formula (starting with <c>= + - @</c>, a tab or a carriage return) gets a leading apostrophe (OWASP's
    /// advice against CSV injection); numbers are written as they are.
    /// </summary>
    public static string CsvOf<T>(IReadOnlyList<T> rows)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var csv = new StringBuilder();
        csv.AppendJoin(',', properties.Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..])).Append("\r\n");
        foreach (var row in rows)
        {
            csv.AppendJoin(',', properties.Select(p => Field(p.GetValue(row)))).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            string plain => Inert(plain),
            IEnumerable<string> list => Inert(string.Join(';', list)),
            DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;

        static string Inert(string text) => text.Length > 0 && "=+-@\t\r".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;
    }
}

/// <summary>Lifetime value in a period, in one currency (from <see cref="ChurnRow"/>).</summary>
/// <param name="Period">The period's first day.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
/// <param name="ArpaMinor">MRR at the end ÷ customers at the end.</param>
/// <param name="SubscriberChurnRate">Churned customers ÷ customers at the start, in the period.</param>
/// <param name="LtvMinor">ARPA ÷ the monthly churn rate; null when no customer churned (not bounded by the data).</param>
public sealed record LtvRow(DateOnly Period, string Currency, long? ArpaMinor, decimal? SubscriberChurnRate, long? LtvMinor)
{
    public static LtvRow Of(ChurnRow churn) => new(churn.Period, churn.Currency, churn.ArpaMinor, churn.SubscriberChurnRate, churn.LtvMinor);
}
