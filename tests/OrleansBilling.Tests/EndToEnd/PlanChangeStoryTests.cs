using System.Net;
using System.Text.Json;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Plan changes that must wait (issue 11 §5), through HTTP and Stripe.net on the sandbox: an upgrade
/// charged at once whose payment is declined leaves the customer on the old plan and its entitlements
/// (Stripe's <c>payment_behavior=pending_if_incomplete</c>), starts no dunning, and applies once its
/// invoice is paid.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class PlanChangeStoryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upgrade_whose_payment_fails_keeps_the_old_plan_until_its_invoice_is_paid()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("upgrade_declined", "basic", TestCards.DeclinesAfterCheckout);
        var stripeCustomer = (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("customer").GetString()!;

        using var declined = await api.PostJsonAsync("/v1/customers/upgrade_declined/subscription/plan", new { plan = "pro", proration = "always_invoice" }, "upgrade-declined-1");
        await api.AllDeliveredAsync();
        var atStripe = await api.StripeGetAsync($"subscriptions/{subscription}");
        var whileDeclined = await api.SubscriptionOfAsync("upgrade_declined");
        var entitlements = await api.EntitlementsOfAsync("upgrade_declined");

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        Assert.Contains("stays on 'basic'", await declined.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("price_demo_basic", atStripe.GetProperty("items").GetProperty("data")[0].GetProperty("price").GetProperty("id").GetString());
        Assert.Equal("price_demo_pro", atStripe.GetProperty("pending_update").GetProperty("subscription_items")[0].GetProperty("price").GetProperty("id").GetString());
        Assert.Equal("active", atStripe.GetProperty("status").GetString());
        Assert.Equal(("Active", "basic"), (whileDeclined.GetProperty("state").GetString(), whileDeclined.GetProperty("planId").GetString()));
        Assert.Equal("basic", entitlements.GetProperty("planId").GetString());
        Assert.Contains(SandboxApi.History(whileDeclined), e => e.GetProperty("name").GetString() == "PlanChangePaymentFailed");

        // The customer pays the change's invoice with another card: Stripe applies it, and so does the service.
        await api.ReplaceCardAndPayAsync(stripeCustomer, TestCards.Succeeds);
        await api.AllDeliveredAsync();
        await Poll.UntilAsync(async () => (await api.SubscriptionOfAsync("upgrade_declined")).GetProperty("planId").GetString() == "pro", TimeSpan.FromSeconds(20), "pro after the invoice is paid");

        Assert.Equal(JsonValueKind.Null, (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("pending_update").ValueKind);
        Assert.Equal("Active", await api.StateOfAsync("upgrade_declined"));

        // The metered price waited for the upgrade to apply, and follows it now.
        await Poll.UntilAsync(
            async () => (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("items").GetProperty("data").EnumerateArray()
                .Select(i => i.GetProperty("price").GetProperty("id").GetString()).SequenceEqual(["price_demo_pro", "price_demo_pro_api_calls"]),
            TimeSpan.FromSeconds(20),
            "pro's metered price once the upgrade applied");
    }

    [Fact]
    public async Task A_downgrade_at_the_period_end_waits_shows_as_pending_and_applies_at_renewal()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("downgrade_later", "pro");
        var periodEnd = (await api.SubscriptionOfAsync("downgrade_later")).GetProperty("currentPeriodEnd").GetDateTimeOffset();

        JsonElement scheduled;
        using (var response = await api.PostJsonAsync("/v1/customers/downgrade_later/subscription/plan", new { plan = "basic", at = "period_end" }, "downgrade-later-1"))
        {
            scheduled = await response.ReadOkAsync();
        }

        await api.AllDeliveredAsync();
        var entitlementsBefore = await api.EntitlementsOfAsync("downgrade_later");
        var priceAtStripe = (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("items").GetProperty("data")[0].GetProperty("price").GetProperty("id").GetString();
        await api.AdvanceClockAsync((periodEnd - await api.ClockAsync()).TotalDays + 1);
        await api.AllDeliveredAsync();
        var after = await api.SubscriptionOfAsync("downgrade_later");
        var renewal = await api.StripeGetAsync($"invoices/{(await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString()}");

        Assert.Equal("pro", scheduled.GetProperty("planId").GetString());
        Assert.Equal("basic", scheduled.GetProperty("pendingChange").GetProperty("planId").GetString());
        Assert.Equal(periodEnd, scheduled.GetProperty("pendingChange").GetProperty("at").GetDateTimeOffset());
        Assert.Equal(("pro", "basic"), (entitlementsBefore.GetProperty("planId").GetString(), entitlementsBefore.GetProperty("pendingChange").GetProperty("planId").GetString()));
        Assert.Equal("price_demo_basic", priceAtStripe);
        Assert.Equal("basic", after.GetProperty("planId").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("pendingChange").ValueKind);
        Assert.Equal("basic", (await api.EntitlementsOfAsync("downgrade_later")).GetProperty("planId").GetString());
        Assert.Equal(900, renewal.GetProperty("amount_paid").GetInt64());
        Assert.Contains(SandboxApi.History(after), e => e.GetProperty("name").GetString() == "PlanChangeScheduled");
    }

    [Fact]
    public async Task A_scheduled_downgrade_withdrawn_before_the_period_end_changes_nothing_at_renewal()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("downgrade_withdrawn", "pro");
        var periodEnd = (await api.SubscriptionOfAsync("downgrade_withdrawn")).GetProperty("currentPeriodEnd").GetDateTimeOffset();
        using (var response = await api.PostJsonAsync("/v1/customers/downgrade_withdrawn/subscription/plan", new { plan = "basic", at = "period_end" }, "downgrade-withdrawn-1"))
        {
            await response.ReadOkAsync();
        }

        using var withdrawn = await api.DeleteAsync(new Uri("/v1/customers/downgrade_withdrawn/subscription/plan/scheduled", UriKind.Relative), Ct);
        using var again = await api.DeleteAsync(new Uri("/v1/customers/downgrade_withdrawn/subscription/plan/scheduled", UriKind.Relative), Ct);
        await api.AdvanceClockAsync((periodEnd - await api.ClockAsync()).TotalDays + 1);
        await api.AllDeliveredAsync();

        Assert.Equal(JsonValueKind.Null, (await withdrawn.ReadOkAsync()).GetProperty("pendingChange").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("price_demo_pro", (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("items").GetProperty("data")[0].GetProperty("price").GetProperty("id").GetString());
        Assert.Equal("pro", (await api.SubscriptionOfAsync("downgrade_withdrawn")).GetProperty("planId").GetString());
    }

    [Fact]
    public async Task While_a_downgrade_waits_a_change_now_is_refused_and_a_cancel_drops_it()
    {
        using var api = service.Client();
        await api.SubscribeToStripeSubscriptionAsync("downgrade_then_cancel", "pro");
        using (var response = await api.PostJsonAsync("/v1/customers/downgrade_then_cancel/subscription/plan", new { plan = "basic", at = "period_end" }, "downgrade-cancel-1"))
        {
            await response.ReadOkAsync();
        }

        using var now = await api.PostJsonAsync("/v1/customers/downgrade_then_cancel/subscription/plan", new { plan = "basic" }, "downgrade-cancel-2");
        using var preview = await api.GetAsync(new Uri("/v1/customers/downgrade_then_cancel/subscription/plan/preview?plan=basic", UriKind.Relative), Ct);
        using (var cancel = await api.PostJsonAsync("/v1/customers/downgrade_then_cancel/subscription/cancel", new { atPeriodEnd = false }, "downgrade-cancel-3"))
        {
            await cancel.ReadOkAsync();
        }

        Assert.Equal(HttpStatusCode.Conflict, now.StatusCode);
        Assert.Contains("withdraw it first", await now.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, preview.StatusCode);
        var canceled = await api.SubscriptionOfAsync("downgrade_then_cancel");
        Assert.Equal(("Canceled", JsonValueKind.Null), (canceled.GetProperty("state").GetString(), canceled.GetProperty("pendingChange").ValueKind));
    }

    [Theory]
    [InlineData("{\"plan\":\"platinum\",\"at\":\"period_end\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"plan\":\"basic\",\"at\":\"tomorrow\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"plan\":\"basic\",\"at\":\"period_end\",\"proration\":\"none\"}", HttpStatusCode.BadRequest)]
    public async Task A_scheduled_change_that_is_not_valid_is_a_problem_and_changes_nothing(string body, HttpStatusCode expected)
    {
        using var api = service.Client();
        var customer = $"downgrade_bad_{Math.Abs(body.GetHashCode(StringComparison.Ordinal))}";
        await api.SubscribeToStripeSubscriptionAsync(customer, "pro");
        var version = (await api.SubscriptionOfAsync(customer)).GetProperty("version").GetInt64();

        using var response = await api.PostRawJsonAsync($"/v1/customers/{customer}/subscription/plan", body, $"{customer}-1");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(version, (await api.SubscriptionOfAsync(customer)).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task The_preview_of_a_change_is_what_the_change_then_charges_to_the_cent()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("preview_upgrade", "basic");
        await api.AdvanceClockAsync(11.5);

        var created = await PreviewAsync(api, "preview_upgrade", "pro", "create_prorations");
        var none = await PreviewAsync(api, "preview_upgrade", "pro", "none");
        var always = await PreviewAsync(api, "preview_upgrade", "pro", "always_invoice");
        using (var change = await api.PostJsonAsync("/v1/customers/preview_upgrade/subscription/plan", new { plan = "pro", proration = "always_invoice" }, "preview-upgrade-1"))
        {
            await change.ReadOkAsync();
        }

        var charged = await api.StripeGetAsync($"invoices/{(await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString()}");
        var proration = always.GetProperty("prorationMinor").GetInt64();
        Assert.InRange(proration, 1, 2000 - 1);
        Assert.Equal(charged.GetProperty("amount_paid").GetInt64(), always.GetProperty("dueNowMinor").GetInt64());
        Assert.Equal(2900, always.GetProperty("nextInvoiceMinor").GetInt64());
        Assert.Equal((0L, 2900 + proration), (created.GetProperty("dueNowMinor").GetInt64(), created.GetProperty("nextInvoiceMinor").GetInt64()));
        Assert.Equal((0L, 2900L, 0L), (none.GetProperty("dueNowMinor").GetInt64(), none.GetProperty("nextInvoiceMinor").GetInt64(), none.GetProperty("prorationMinor").GetInt64()));
        Assert.Equal("usd", always.GetProperty("currency").GetString());
    }

    [Theory]
    [InlineData("?plan=platinum", HttpStatusCode.UnprocessableEntity)]
    [InlineData("?plan=pro&proration=sometimes", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    public async Task A_preview_that_is_not_valid_is_a_problem(string query, HttpStatusCode expected)
    {
        using var api = service.Client();
        var customer = $"preview_bad_{Math.Abs(query.GetHashCode(StringComparison.Ordinal))}";
        await api.SubscribeToStripeSubscriptionAsync(customer, "basic");

        using var response = await api.GetAsync(new Uri($"/v1/customers/{customer}/subscription/plan/preview{query}", UriKind.Relative), Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task<JsonElement> PreviewAsync(HttpClient api, string customer, string plan, string proration)
    {
        using var response = await api.GetAsync(new Uri($"/v1/customers/{customer}/subscription/plan/preview?plan={plan}&proration={proration}", UriKind.Relative), Ct);
        return await response.ReadOkAsync();
    }
}
