using System.Text.Json;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Metered usage is invoiced (issue 11 §2), through HTTP and Stripe.net on the sandbox: checkout puts the
/// plan's metered price on the subscription beside its flat price, usage reported through <c>/v1/usage</c>
/// reaches the Stripe meter, and the renewal invoice bills what went beyond the included calls, exact to
/// the cent, paid and reported back.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class MeteredInvoiceStoryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    [Fact]
    public async Task Usage_beyond_the_included_calls_is_billed_on_the_renewal_invoice_to_the_cent()
    {
        using var api = service.Client();
        var subscriptionId = await api.SubscribeToStripeSubscriptionAsync("metered_bill", "basic");
        var items = (await api.StripeGetAsync($"subscriptions/{subscriptionId}")).GetProperty("items").GetProperty("data").EnumerateArray().ToList();
        var periodEnd = (await api.SubscriptionOfAsync("metered_bill")).GetProperty("currentPeriodEnd").GetDateTimeOffset();

        // 1,534 calls on Basic: 1,000 included, 534 at half a cent = 267 cents beside the plan's 900.
        await ReportAsync(api, "metered_bill", ("calls-1", 1234m), ("calls-2", 300m));
        await api.AdvanceClockAsync((periodEnd - await api.ClockAsync()).TotalDays + 0.5);
        await api.AllDeliveredAsync();
        var subscription = await api.StripeGetAsync($"subscriptions/{subscriptionId}");
        var invoice = await api.StripeGetAsync($"invoices/{subscription.GetProperty("latest_invoice").GetString()}");
        var lines = invoice.GetProperty("lines").GetProperty("data").EnumerateArray().ToList();

        Assert.Equal(
            [("price_demo_basic", true), ("price_demo_basic_api_calls", false)],
            items.Select(i => (i.GetProperty("price").GetProperty("id").GetString(), i.TryGetProperty("quantity", out _))));
        Assert.Equal("metered", items[1].GetProperty("price").GetProperty("recurring").GetProperty("usage_type").GetString());
        Assert.Equal(
            [(900L, 1L), (0L, 1000L), (267L, 534L)],
            lines.Select(l => (l.GetProperty("amount").GetInt64(), l.GetProperty("quantity").GetInt64())));
        Assert.Equal(("paid", 1167L, 1167L), (invoice.GetProperty("status").GetString(), invoice.GetProperty("total").GetInt64(), invoice.GetProperty("amount_paid").GetInt64()));
        Assert.Equal(periodEnd.ToUnixTimeSeconds(), lines[2].GetProperty("period").GetProperty("end").GetInt64());

        // The service heard invoice.paid and renewed for the amount Stripe charged, usage included.
        await Poll.UntilAsync(
            async () => SandboxApi.History(await api.SubscriptionOfAsync("metered_bill")).Any(e => e.GetProperty("name").GetString() == "Renewed"),
            TimeSpan.FromSeconds(20),
            "the renewal in the history");
        var renewed = SandboxApi.History(await api.SubscriptionOfAsync("metered_bill")).Last(e => e.GetProperty("name").GetString() == "Renewed");
        Assert.Contains($"invoice={invoice.GetProperty("id").GetString()}; amount=1167", renewed.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_within_the_included_calls_bills_nothing_beyond_the_plan()
    {
        using var api = service.Client();
        var subscriptionId = await api.SubscribeToStripeSubscriptionAsync("metered_within", "basic");
        var periodEnd = (await api.SubscriptionOfAsync("metered_within")).GetProperty("currentPeriodEnd").GetDateTimeOffset();

        await ReportAsync(api, "metered_within", ("within-1", 999m));
        await api.AdvanceClockAsync((periodEnd - await api.ClockAsync()).TotalDays + 0.5);
        await api.AllDeliveredAsync();
        var invoice = await api.StripeGetAsync($"invoices/{(await api.StripeGetAsync($"subscriptions/{subscriptionId}")).GetProperty("latest_invoice").GetString()}");

        Assert.Equal(900, invoice.GetProperty("amount_paid").GetInt64());
        Assert.Equal(999, invoice.GetProperty("lines").GetProperty("data")[1].GetProperty("quantity").GetInt64());
    }

    [Fact]
    public async Task A_plan_change_swaps_the_metered_price_and_bills_the_usage_on_the_old_plan_at_its_price()
    {
        using var api = service.Client();
        var subscriptionId = await api.SubscribeToStripeSubscriptionAsync("metered_upgrade", "basic");
        var periodEnd = (await api.SubscriptionOfAsync("metered_upgrade")).GetProperty("currentPeriodEnd").GetDateTimeOffset();
        await ReportAsync(api, "metered_upgrade", ("before-upgrade", 1234m));

        using (var response = await api.PostJsonAsync("/v1/customers/metered_upgrade/subscription/plan", new { plan = "pro", proration = "none" }, "metered-upgrade-1"))
        {
            await response.ReadOkAsync();
        }

        var items = await PricesAsync(api, subscriptionId);
        await api.AdvanceClockAsync((periodEnd - await api.ClockAsync()).TotalDays + 0.5);
        await api.AllDeliveredAsync();
        var invoice = await api.StripeGetAsync($"invoices/{(await api.StripeGetAsync($"subscriptions/{subscriptionId}")).GetProperty("latest_invoice").GetString()}");

        // Pro's 29.00 ahead, and Basic's 234 calls beyond its 1,000 at half a cent (1.17), billed when its
        // metered price came off (Stripe's flexible billing mode), not at Pro's price.
        Assert.Equal(["price_demo_pro", "price_demo_pro_api_calls"], items);
        Assert.Equal("flexible", (await api.StripeGetAsync($"subscriptions/{subscriptionId}")).GetProperty("billing_mode").GetProperty("type").GetString());
        Assert.Equal(2900 + 117, invoice.GetProperty("amount_paid").GetInt64());
    }

    [Fact]
    public async Task A_cancel_now_bills_the_usage_so_far_on_a_final_invoice()
    {
        using var api = service.Client();
        var subscriptionId = await api.SubscribeToStripeSubscriptionAsync("metered_cancel", "basic");
        await ReportAsync(api, "metered_cancel", ("before-cancel", 1100m));

        using (var response = await api.PostJsonAsync("/v1/customers/metered_cancel/subscription/cancel", new { atPeriodEnd = false }))
        {
            await response.ReadOkAsync();
        }

        await api.AllDeliveredAsync();
        var final = await api.StripeGetAsync($"invoices/{(await api.StripeGetAsync($"subscriptions/{subscriptionId}")).GetProperty("latest_invoice").GetString()}");

        // 100 calls beyond Basic's 1,000 at half a cent.
        Assert.Equal(("paid", 50L), (final.GetProperty("status").GetString(), final.GetProperty("amount_paid").GetInt64()));
        Assert.Equal("Canceled", await api.StateOfAsync("metered_cancel"));
    }

    [Fact]
    public async Task A_downgrade_at_the_period_end_bills_the_period_at_the_old_plan_and_then_swaps_the_metered_price()
    {
        using var api = service.Client();
        var subscriptionId = await api.SubscribeToStripeSubscriptionAsync("metered_downgrade", "pro");
        var periodEnd = (await api.SubscriptionOfAsync("metered_downgrade")).GetProperty("currentPeriodEnd").GetDateTimeOffset();

        using (var response = await api.PostJsonAsync("/v1/customers/metered_downgrade/subscription/plan", new { plan = "basic", at = "period_end" }, "metered-downgrade-1"))
        {
            await response.ReadOkAsync();
        }

        var whileScheduled = await PricesAsync(api, subscriptionId);
        await api.AdvanceClockAsync((periodEnd - await api.ClockAsync()).TotalDays + 0.5);
        await api.AllDeliveredAsync();
        await Poll.UntilAsync(
            async () => (await PricesAsync(api, subscriptionId)).Contains("price_demo_basic_api_calls"),
            TimeSpan.FromSeconds(20),
            "the basic plan's metered price once the new period has begun");

        Assert.Equal(["price_demo_basic", "price_demo_pro_api_calls"], whileScheduled);
        Assert.Equal(["price_demo_basic", "price_demo_basic_api_calls"], await PricesAsync(api, subscriptionId));
    }

    private static async Task<List<string?>> PricesAsync(HttpClient api, string subscriptionId) =>
        [.. (await api.StripeGetAsync($"subscriptions/{subscriptionId}")).GetProperty("items").GetProperty("data").EnumerateArray().Select(i => i.GetProperty("price").GetProperty("id").GetString())];

    /// <summary>Reports usage and waits until the Stripe meter has every event (the grains forward on their own timers).</summary>
    private async Task ReportAsync(HttpClient api, string customerId, params (string Key, decimal Quantity)[] usage)
    {
        using (var response = await api.PostJsonAsync("/v1/usage", new
        {
            events = usage.Select(u => new { customerId, meter = "api_calls", quantity = u.Quantity, idempotencyKey = u.Key }),
        }))
        {
            Assert.Equal(0, (await response.ReadOkAsync()).GetProperty("rejected").GetInt32());
        }

        await api.UntilAtStripeMeterAsync(service.Sandbox, usage.Select(u => $"demo/{customerId}/{u.Key}"));
    }
}
