using System.Net;
using System.Text.Json;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.GrainInterfaces.Staff;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Refunds (issue 11 §3) through the admin API, Stripe.net and the sandbox: whole or in part, never more
/// than remains, once per Idempotency-Key, recorded once with who and why although Stripe's own events
/// about the refund follow, and the customer told.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class RefundStoryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_partial_then_the_rest_refunded_exactly_once_each_and_recorded_once_with_who_and_why()
    {
        using var api = service.Client();
        using var admin = await AdminAsync("grace.hopper");
        var subscription = await api.SubscribeToStripeSubscriptionAsync("refund_parts");
        var invoice = (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString();
        var paid = (await api.StripeGetAsync($"invoices/{invoice}")).GetProperty("amount_paid").GetInt64();

        var part = await RefundAsync(admin, "refund_parts", new { invoice, amount = 300, reason = "Charged twice by mistake" }, "refund-parts-1");
        var again = await RefundAsync(admin, "refund_parts", new { invoice, amount = 300, reason = "Charged twice by mistake" }, "refund-parts-1");
        using var tooMuch = await admin.PostJsonAsync("/admin/v1/products/demo/customers/refund_parts/refunds", new { invoice, amount = paid - 300 + 1, reason = "more" }, "refund-parts-2");
        var rest = await RefundAsync(admin, "refund_parts", new { invoice, reason = "Goodwill" }, "refund-parts-3");
        using var nothingLeft = await admin.PostJsonAsync("/admin/v1/products/demo/customers/refund_parts/refunds", new { invoice, reason = "again" }, "refund-parts-4");
        await api.AllDeliveredAsync();

        Assert.Equal((300, 300, paid - 300), (part.GetProperty("amountMinor").GetInt64(), part.GetProperty("refundedMinor").GetInt64(), part.GetProperty("remainingMinor").GetInt64()));
        Assert.Equal(part.GetProperty("refundId").GetString(), again.GetProperty("refundId").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMuch.StatusCode);
        var refusal = await tooMuch.Content.ReadAsStringAsync(Ct);
        Assert.True(refusal.Contains($"{paid - 300} ", StringComparison.Ordinal) && refusal.Contains($" of {paid} remains refundable", StringComparison.Ordinal), refusal);
        Assert.Equal((paid - 300, paid, 0), (rest.GetProperty("amountMinor").GetInt64(), rest.GetProperty("refundedMinor").GetInt64(), rest.GetProperty("remainingMinor").GetInt64()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nothingLeft.StatusCode);

        var charge = await api.StripeGetAsync($"charges/{part.GetProperty("chargeId").GetString()}");
        Assert.Equal(paid, charge.GetProperty("amount_refunded").GetInt64());
        Assert.Equal(2, charge.GetProperty("refunds").GetProperty("data").GetArrayLength());

        // Stripe told of both refunds (delivered above) ...
        var told = await api.StripeGetAsync("events?type=refund.created&limit=100");
        Assert.Contains(told.GetProperty("data").EnumerateArray(), e => e.GetProperty("data").GetProperty("object").GetProperty("id").GetString() == part.GetProperty("refundId").GetString());

        // ... yet each is once in the history, with who, why and how much.
        var history = SandboxApi.History(await api.SubscriptionOfAsync("refund_parts")).Reverse().ToList();
        var refunds = history.Where(e => e.GetProperty("name").GetString() is "RefundIssued" or "RefundCreated" or "ChargeRefunded").ToList();
        Assert.True(refunds.Count == 2 && refunds.All(e => e.GetProperty("name").GetString() == "RefundIssued"), string.Join(", ", history.Select(e => e.GetProperty("name").GetString())));
        Assert.All(refunds, e => Assert.Equal("admin:grace.hopper", e.GetProperty("actor").GetString()));
        Assert.Equal([paid - 300, 300L], refunds.Select(e => e.GetProperty("amount").GetProperty("amountMinor").GetInt64()));
        Assert.Contains("reason=Charged twice by mistake", refunds[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await api.TemplatesSentToAsync("refund_parts@example.com")).Count(t => t == "refund_issued"));
    }

    [Fact]
    public async Task A_refund_with_cancel_ends_the_subscription_now()
    {
        using var api = service.Client();
        using var admin = await AdminAsync("lin");
        var subscription = await api.SubscribeToStripeSubscriptionAsync("refund_cancel");
        var invoice = (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString();

        var refunded = await RefundAsync(admin, "refund_cancel", new { invoice, reason = "Unhappy in week one", cancelSubscription = true }, "refund-cancel-1");
        await api.AllDeliveredAsync();

        Assert.Equal("Canceled", refunded.GetProperty("state").GetString());
        Assert.Equal("canceled", (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("status").GetString());
        Assert.Equal("Canceled", await api.StateOfAsync("refund_cancel"));
        Assert.Equal((await api.StripeGetAsync($"invoices/{invoice}")).GetProperty("amount_paid").GetInt64(), refunded.GetProperty("amountMinor").GetInt64());
    }

    [Fact]
    public async Task Another_customer_s_payment_is_not_found_and_nothing_moves()
    {
        using var api = service.Client();
        using var admin = await AdminAsync("lin");
        var theirs = await api.SubscribeToStripeSubscriptionAsync("refund_theirs");
        await api.SubscribeToStripeSubscriptionAsync("refund_mine");
        var invoice = (await api.StripeGetAsync($"subscriptions/{theirs}")).GetProperty("latest_invoice").GetString();
        var before = (await api.SubscriptionOfAsync("refund_mine")).GetProperty("version").GetInt64();

        using var response = await admin.PostJsonAsync("/admin/v1/products/demo/customers/refund_mine/refunds", new { invoice, reason = "wrong customer" }, "refund-theirs-1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, (await api.SubscriptionOfAsync("refund_mine")).GetProperty("version").GetInt64());
        var intent = (await api.StripeGetAsync($"invoices/{invoice}?expand[]=payments")).GetProperty("payments").GetProperty("data")[0].GetProperty("payment").GetProperty("payment_intent").GetString();
        var charge = (await api.StripeGetAsync($"payment_intents/{intent}")).GetProperty("latest_charge").GetString();
        Assert.Equal(0, (await api.StripeGetAsync($"charges/{charge}")).GetProperty("amount_refunded").GetInt64());
    }

    [Fact]
    public async Task A_dispute_opened_and_closed_at_Stripe_is_recorded_in_the_customer_s_history()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("dispute_story");
        var invoice = await api.StripeGetAsync($"invoices/{(await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("latest_invoice").GetString()}?expand[]=payments");
        var intent = invoice.GetProperty("payments").GetProperty("data")[0].GetProperty("payment").GetProperty("payment_intent").GetString();
        var charge = (await api.StripeGetAsync($"payment_intents/{intent}")).GetProperty("latest_charge").GetString();

        using (var opened = await api.PostJsonAsync($"/sandbox/charges/{charge}/dispute", new { reason = "product_not_received" }))
        {
            await opened.ReadOkAsync();
        }

        using (var closed = await api.PostJsonAsync($"/sandbox/charges/{charge}/dispute", new { close = "lost" }))
        {
            await closed.ReadOkAsync();
        }

        await api.AllDeliveredAsync();

        var history = SandboxApi.History(await api.SubscriptionOfAsync("dispute_story"));
        var opened2 = Assert.Single(history, e => e.GetProperty("name").GetString() == "DisputeOpened");
        var closed2 = Assert.Single(history, e => e.GetProperty("name").GetString() == "DisputeClosed");
        Assert.Equal(invoice.GetProperty("amount_paid").GetInt64(), opened2.GetProperty("amount").GetProperty("amountMinor").GetInt64());
        Assert.Contains("reason=product_not_received", opened2.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("status=lost", closed2.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Active", await api.StateOfAsync("dispute_story"));
    }

    [Theory]
    [InlineData("{\"invoice\":\"in_1\",\"charge\":\"ch_1\",\"reason\":\"both\"}", "invoice")]
    [InlineData("{\"reason\":\"neither\"}", "invoice")]
    [InlineData("{\"invoice\":\"in_1\",\"amount\":-5,\"reason\":\"negative\"}", "amount")]
    [InlineData("{\"invoice\":\"in_1\",\"amount\":0,\"reason\":\"zero\"}", "amount")]
    [InlineData("{\"invoice\":\"in_1\"}", "reason")]
    [InlineData("{\"invoice\":\"sub_1\",\"reason\":\"not an invoice\"}", "invoice")]
    public async Task A_refund_that_is_not_valid_is_a_400_naming_the_field(string body, string field)
    {
        using var admin = await AdminAsync("lin");

        using var response = await admin.PostRawJsonAsync("/admin/v1/products/demo/customers/refund_bad/refunds", body, "refund-bad-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_refund_without_an_idempotency_key_is_refused()
    {
        using var admin = await AdminAsync("lin");

        using var response = await admin.PostJsonAsync("/admin/v1/products/demo/customers/refund_nokey/refunds", new { invoice = "in_1", reason = "no key" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    private Task<HttpClient> AdminAsync(string person) => service.StaffAsync(person, StaffRole.Finance);

    private static async Task<JsonElement> RefundAsync(HttpClient admin, string customer, object body, string key)
    {
        using var response = await admin.PostJsonAsync($"/admin/v1/products/demo/customers/{customer}/refunds", body, key);
        return await response.ReadOkAsync();
    }
}
