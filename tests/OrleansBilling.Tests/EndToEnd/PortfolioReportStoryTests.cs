using System.Globalization;
using System.Text.Json;
using OrleansBilling.GrainInterfaces.Staff;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// A scripted portfolio (issue 13 §4) run through Stripe.net, the sandbox and its clock: two products in two currencies,
/// a trial that converts, an upgrade, a downgrade, a cancel scheduled a year out, dunning that recovers and dunning that
/// cancels, a win-back, a refund, and discounts applied at Stripe (a permanent one, which lowers MRR, and a one-off, which
/// does not). Every figure of the reports is worked out by hand below and compared to the cent.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class PortfolioReportStoryTests(SandboxPortfolioService service) : IClassFixture<SandboxPortfolioService>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_reports_of_a_scripted_portfolio_match_the_figures_worked_out_by_hand()
    {
        using var demo = service.Client();
        using var atlas = service.Client(SandboxPortfolioService.AtlasApiKey);
        var start = await demo.ClockAsync();

        // Day 0. Dollars: ana on basic (9.00), bo on pro with its 14-day trial, cy and dee on basic with a card that
        // pays the checkout and declines every later charge. Euros: eve yearly (120.00 a year: 10.00 a month), fay on team (15.00).
        var ana = await demo.SubscribeToStripeSubscriptionAsync("pf_ana", "basic");
        var anaInvoice = (await demo.StripeGetAsync($"subscriptions/{ana}")).GetProperty("latest_invoice").GetString();
        var bo = await demo.SubscribeToStripeSubscriptionAsync("pf_bo", "pro");
        var cy = await demo.SubscribeAsync("pf_cy", "basic", TestCards.DeclinesAfterCheckout);
        await demo.SubscribeAsync("pf_dee", "basic", TestCards.DeclinesAfterCheckout);
        await atlas.SubscribeAsync("pf_eve", "annual");
        var fay = await atlas.SubscribeToStripeSubscriptionAsync("pf_fay", "team");

        // Day 1: ana upgrades to pro (+20.00), fay moves down to solo (−5.00), eve cancels at the end of her year (still counts).
        await demo.AdvanceClockAsync(days: 1);
        await Ok(demo.PostJsonAsync("/v1/customers/pf_ana/subscription/plan", new { plan = "pro" }, "pf-ana-up"));
        await Ok(atlas.PostJsonAsync("/v1/customers/pf_fay/subscription/plan", new { plan = "solo" }, "pf-fay-down"));
        await Ok(atlas.PostJsonAsync("/v1/customers/pf_eve/subscription/cancel", new { atPeriodEnd = true }, "pf-eve-cancel"));

        // In Stripe's dashboard, fay gets half off her next invoice: a one-off, which leaves MRR as it is.
        await demo.StripePostAsync("coupons", "id=PF_HALF_ONCE&percent_off=50&duration=once");
        await demo.StripePostAsync($"subscriptions/{fay}", "discounts[0][coupon]=PF_HALF_ONCE");

        // Day 15: bo's trial converts (+29.00, new).
        await demo.AdvanceClockAsync(days: 14);
        await UntilAsync(demo, "pf_bo", "Active");

        // Then bo gets 25% off forever: a permanent discount, so his MRR goes down to 21.75 (−7.25, a contraction).
        await demo.StripePostAsync("coupons", "id=PF_QUARTER&percent_off=25&duration=forever");
        await demo.StripePostAsync($"subscriptions/{bo}", "discounts[0][coupon]=PF_QUARTER");

        // Day 31: the renewals of cy and dee decline: two dunning episodes. cy puts in a good card and pays.
        await demo.AdvanceClockAsync(days: 16);
        await UntilAsync(demo, "pf_cy", "PastDue");
        await UntilAsync(demo, "pf_dee", "PastDue");
        await demo.ReplaceCardAndPayAsync(cy, TestCards.Succeeds);
        await UntilAsync(demo, "pf_cy", "Active");

        // Day 39: dee is suspended (a week after the failure: stops counting, −9.00 churn); day 47: canceled by the policy.
        await demo.AdvanceClockAsync(days: 8);
        await UntilAsync(demo, "pf_dee", "Suspended");
        await demo.AdvanceClockAsync(days: 8);
        await UntilAsync(demo, "pf_dee", "Canceled");

        // Then dee comes back on basic (+9.00, a reactivation), and finance refunds part of ana's first invoice (not MRR).
        await demo.SubscribeAsync("pf_dee", "basic");
        await UntilAsync(demo, "pf_dee", "Active");
        using var finance = await service.StaffAsync("fin.portfolio", StaffRole.Finance);
        await Ok(finance.PostJsonAsync("/admin/v1/products/demo/customers/pf_ana/refunds", new { invoice = anaInvoice, amount = 100, reason = "goodwill" }, "pf-ana-refund"));
        await demo.AllDeliveredAsync();

        var end = await demo.ClockAsync();
        var query = $"from={Day(start)}&to={Day(end)}&interval=month";
        var mrr = await ReportAsync(finance, "mrr", query);
        var movements = await ReportAsync(finance, "movements", query);
        var dunning = await ReportAsync(finance, "dunning", query);
        var trials = await ReportAsync(finance, "trials", query);
        var states = await ReportAsync(finance, "states", query);
        var demoOnly = await ReportAsync(finance, "mrr", $"{query}&product=demo");

        // MRR at the end. Dollars: ana 29.00 + bo 21.75 + cy 9.00 + dee 9.00 = 68.75, four customers. Euros: eve 10.00 + fay 10.00,
        // though fay's renewal paid 5.00.
        Assert.Equal((6875L, 4), Last(mrr, "usd"));
        Assert.Equal((2000L, 2), Last(mrr, "eur"));
        Assert.Equal((6875L, 4), Last(demoOnly, "usd"));
        var boNow = await demo.SubscriptionOfAsync("pf_bo");
        var quarter = boNow.GetProperty("terms").GetProperty("discounts").EnumerateArray().Single();
        Assert.Equal(("PF_QUARTER", "Forever", 25m), (quarter.GetProperty("couponId").GetString(), quarter.GetProperty("duration").GetString(), quarter.GetProperty("percentOff").GetDecimal()));
        Assert.Contains(SandboxApi.History(boNow), e => e.GetProperty("name").GetString() == "SubscriptionUpdated" && e.GetProperty("detail").GetString()!.Contains("discounts: none -> 25% off forever", StringComparison.Ordinal));
        Assert.Empty((await atlas.SubscriptionOfAsync("pf_fay")).GetProperty("terms").GetProperty("discounts").EnumerateArray());
        var fayRenewal = await demo.StripeGetAsync($"invoices/{(await demo.StripeGetAsync($"subscriptions/{fay}")).GetProperty("latest_invoice").GetString()}");
        Assert.Equal(("subscription_cycle", 500L), (fayRenewal.GetProperty("billing_reason").GetString(), fayRenewal.GetProperty("amount_paid").GetInt64()));
        Assert.DoesNotContain(demoOnly.EnumerateArray(), r => r.GetProperty("currency").GetString() == "eur");

        // The movements over the whole time, which add up to the MRR at the end.
        Assert.Equal(
            new Dictionary<string, long> { ["New"] = 900 + 900 + 900 + 2900, ["Expansion"] = 2000, ["Contraction"] = -725, ["Churn"] = -900, ["Reactivation"] = 900 },
            Sums(movements, "usd"));
        Assert.Equal(new Dictionary<string, long> { ["New"] = 1000 + 1500, ["Contraction"] = -500 }, Sums(movements, "eur"));

        // Dunning: two episodes opened, one recovered (saving cy's 9.00), one canceled by the policy. One trial, converted.
        Assert.Equal((2, 1, 1, 900L), (Total(dunning, "opened"), Total(dunning, "recovered"), Total(dunning, "canceled"), (long)Total(dunning, "mrrSavedMinor")));
        Assert.Equal((1, 1), (Total(trials, "started"), Total(trials, "converted")));

        // At the end: ana, bo, cy, dee and fay active; eve canceling.
        var lastPeriod = states.EnumerateArray().Max(s => s.GetProperty("period").GetString());
        Assert.Equal(
            new Dictionary<string, int> { ["Active"] = 5, ["Canceling"] = 1 },
            states.EnumerateArray().Where(s => s.GetProperty("period").GetString() == lastPeriod).ToDictionary(s => s.GetProperty("state").GetString()!, s => s.GetProperty("customers").GetInt32()));

        // In dollars, at the configured rate in force (1.0850 from 2020; the rate of 2099 is not in force yet): 68.75 + 20.00 × 1.0850 = 90.45.
        var total = (await ReportAsync(finance, "total", query)).EnumerateArray().Last();
        Assert.Equal(("usd", 9045L), (total.GetProperty("currency").GetString(), total.GetProperty("mrrMinor").GetInt64()));

        // Asked again, the report of the past is the same.
        Assert.Equal(mrr.ToString(), (await ReportAsync(finance, "mrr", query)).ToString());
    }

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        await response.ReadOkAsync();
    }

    private static Task UntilAsync(HttpClient api, string customer, string state) =>
        Poll.UntilAsync(async () => await api.StateOfAsync(customer) == state, TimeSpan.FromSeconds(30), $"{customer} to be {state}");

    private static async Task<JsonElement> ReportAsync(HttpClient finance, string report, string query)
    {
        using var response = await finance.GetAsync($"/admin/v1/reports/{report}?{query}", Ct);
        return await response.ReadOkAsync();
    }

    private static (long Mrr, int Customers) Last(JsonElement rows, string currency)
    {
        var last = rows.EnumerateArray().Where(r => r.GetProperty("currency").GetString() == currency).Last();
        return (last.GetProperty("mrrMinor").GetInt64(), last.GetProperty("customers").GetInt32());
    }

    private static Dictionary<string, long> Sums(JsonElement movements, string currency) =>
        movements.EnumerateArray().Where(m => m.GetProperty("currency").GetString() == currency)
            .GroupBy(m => m.GetProperty("kind").GetString()!)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.GetProperty("amountMinor").GetInt64()));

    private static int Total(JsonElement rows, string field) => rows.EnumerateArray().Sum(r => r.GetProperty(field).GetInt32());

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
