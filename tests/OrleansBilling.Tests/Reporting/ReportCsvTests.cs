using OrleansBilling.Gateway.Admin;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Reporting;

/// <summary>The reports' CSV: RFC 4180 quoting, invariant numbers, and no text a spreadsheet would run as a formula.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class ReportCsvTests
{
    [Fact]
    public void Text_that_looks_like_a_formula_is_made_inert_and_numbers_stay_numbers()
    {
        var csv = ReportsAdminApi.CsvOf([
            new TotalRow(new DateOnly(2026, 1, 1), "=HYPERLINK(\"x\")", -1250, ["@sum", "eur"]),
            new TotalRow(new DateOnly(2026, 2, 1), "usd", null, []),
        ]);

        Assert.Equal(
            "period,currency,mrrMinor,missingRates\r\n"
            + "2026-01-01,\"'=HYPERLINK(\"\"x\"\")\",-1250,'@sum;eur\r\n"
            + "2026-02-01,usd,,\r\n",
            csv);
    }
}
