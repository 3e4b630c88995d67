using System.Net;
using System.Net.Http.Headers;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>
/// The reports over HTTP (issue 13 §3): finance and admins only, JSON or CSV with <c>Accept: text/csv</c>, computed
/// from the history the service recorded; a malformed question is a problem that names the parameter.
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class ReportsApiTests(BillingService service) : IClassFixture<BillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Finance_reads_mrr_as_json_and_as_csv_and_support_is_refused()
    {
        using var api = service.Client();
        await service.ActivateAsync(api, "rep_a");
        await service.ActivateAsync(api, "rep_b");
        using var finance = await service.StaffAsync("fin.rep", StaffRole.Finance);
        using var support = await service.StaffAsync("sup.rep", StaffRole.Support);

        var json = await (await finance.GetAsync("/admin/v1/reports/mrr?from=2026-11-01&to=2026-11-30", Cancellation)).ReadOkAsync();
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/reports/movements?from=2026-11-01&to=2026-11-30&interval=month");
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await finance.SendAsync(csvRequest, Cancellation);
        using var refused = await support.GetAsync("/admin/v1/reports/mrr?from=2026-11-01&to=2026-11-30", Cancellation);

        var row = Assert.Single(json.EnumerateArray());
        Assert.Equal(("2026-11-01", "usd", 1800L, 2), (row.GetProperty("period").GetString(), row.GetProperty("currency").GetString(), row.GetProperty("mrrMinor").GetInt64(), row.GetProperty("customers").GetInt32()));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("period,currency,kind,amountMinor,customers\r\n2026-11-01,usd,New,1800,2\r\n", await csv.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Theory]
    [InlineData("from=2026-13-01&to=2026-12-31", "from")]
    [InlineData("from=2026-12-01&to=2026-11-30", "to")]
    [InlineData("from=2026-01-01&to=9999-12-31", "to")]
    [InlineData("from=1999-12-31&to=2026-12-31", "from")]
    [InlineData("from=2026-01-01&to=2026-12-31&interval=year", "interval")]
    [InlineData("from=2020-01-01&to=2026-12-31&interval=day", "interval")]
    [InlineData("from=2026-01-01&to=2026-12-31&currency=USD", "currency")]
    [InlineData("from=2026-01-01&to=2026-12-31&product=no%20such", "product")]
    public async Task A_malformed_question_is_a_problem_naming_the_parameter(string query, string parameter)
    {
        using var finance = await service.StaffAsync("fin.bad", StaffRole.Finance);

        using var response = await finance.GetAsync($"/admin/v1/reports/churn?{query}", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(parameter, out _), query);
    }

    [Fact]
    public async Task An_unknown_product_is_a_404_problem()
    {
        using var finance = await service.StaffAsync("fin.unknown", StaffRole.Finance);

        using var response = await finance.GetAsync("/admin/v1/reports/states?from=2026-11-01&to=2026-11-30&product=nope", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
