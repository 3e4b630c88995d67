using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Sandbox;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// What Stripe.net sends on the service's behalf, read from the sandbox's request log: the parameters
/// Stripe requires, the customer named on every object, and idempotency keys derived from domain ids.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class StripeRequestTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private SandboxRequests Requests => service.Services.GetRequiredService<SandboxRequests>();

    [Fact]
    public async Task A_first_checkout_creates_one_stripe_customer_named_by_product_and_customer()
    {
        using var api = service.Client();

        await api.OpenCheckoutAsync("req_first", "basic");

        var created = Assert.Single(CustomersCreatedFor("req_first"));
        Assert.Equal("demo", created.Parameter("metadata[product]"));
        Assert.Equal("req_first@example.com", created.Parameter("email"));
        Assert.Equal("demo/req_first/checkout-1/customer", created.IdempotencyKey);
    }

    [Fact]
    public async Task A_checkout_session_asks_for_a_subscription_to_the_plan_price_naming_the_customer_everywhere()
    {
        using var api = service.Client();

        await api.OpenCheckoutAsync("req_session", "basic");

        var session = Assert.Single(SessionsCreatedFor("req_session"));
        Assert.Equal("subscription", session.Parameter("mode"));
        Assert.Equal("price_demo_basic", session.Parameter("line_items[0][price]"));
        Assert.Equal("1", session.Parameter("line_items[0][quantity]"));
        var stripeCustomer = await api.StripeGetAsync($"customers/{session.Parameter("customer")}");
        Assert.Equal("req_session", stripeCustomer.GetProperty("metadata").GetProperty("customer").GetString());
        Assert.Equal("demo/req_session", session.Parameter("client_reference_id"));
        Assert.Equal("demo", session.Parameter("metadata[product]"));
        Assert.Equal("demo", session.Parameter("subscription_data[metadata][product]"));
        Assert.Equal("req_session", session.Parameter("subscription_data[metadata][customer]"));
        Assert.Null(session.Parameter("subscription_data[trial_period_days]"));
        Assert.Equal("https://app.test/welcome", session.Parameter("success_url"));
        Assert.Equal("https://app.test/pricing", session.Parameter("cancel_url"));
        Assert.Equal("demo/req_session/checkout-1", session.IdempotencyKey);
    }

    [Fact]
    public async Task A_checkout_of_a_plan_with_a_trial_asks_stripe_for_the_trial_days()
    {
        using var api = service.Client();

        await api.OpenCheckoutAsync("req_trial", "pro");

        var session = Assert.Single(SessionsCreatedFor("req_trial"));
        Assert.Equal("price_demo_pro", session.Parameter("line_items[0][price]"));
        Assert.Equal("14", session.Parameter("subscription_data[trial_period_days]"));
    }

    [Fact]
    public async Task A_second_checkout_of_the_same_customer_reuses_its_stripe_customer()
    {
        using var api = service.Client();
        await api.OpenCheckoutAsync("req_again", "basic");

        await api.OpenCheckoutAsync("req_again", "pro");

        Assert.Single(CustomersCreatedFor("req_again"));
        var sessions = SessionsCreatedFor("req_again");
        Assert.Equal(2, sessions.Count);
        Assert.StartsWith("cus_", sessions[0].Parameter("customer"), StringComparison.Ordinal);
        Assert.Equal(sessions[0].Parameter("customer"), sessions[1].Parameter("customer"));
        Assert.Equal(["demo/req_again/checkout-1", "demo/req_again/checkout-2"], sessions.Select(s => s.IdempotencyKey));
    }

    [Fact]
    public async Task Cancel_at_period_end_and_its_undo_set_cancel_at_period_end_with_idempotency_keys()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("req_cancel");

        using (var cancel = await api.PostJsonAsync("/v1/customers/req_cancel/subscription/cancel", new { atPeriodEnd = true }))
        {
            await cancel.ReadOkAsync();
        }

        using (var resume = await api.PostJsonAsync("/v1/customers/req_cancel/subscription/resume", null))
        {
            await resume.ReadOkAsync();
        }

        var updates = Requests.To("POST", $"/v1/subscriptions/{subscription}");
        Assert.Equal(["true", "false"], updates.Select(u => u.Parameter("cancel_at_period_end")));
        Assert.Matches(@"^demo/req_cancel/CancelScheduled-\d+$", updates[0].IdempotencyKey);
        Assert.Matches(@"^demo/req_cancel/CancelUndone-\d+$", updates[1].IdempotencyKey);
    }

    [Fact]
    public async Task Cancel_now_deletes_the_subscription_invoicing_its_metered_usage_so_far_with_an_idempotency_key()
    {
        using var api = service.Client();
        var subscription = await api.SubscribeToStripeSubscriptionAsync("req_cancel_now");

        using (var cancel = await api.PostJsonAsync("/v1/customers/req_cancel_now/subscription/cancel", new { atPeriodEnd = false }))
        {
            Assert.Equal("Canceled", (await cancel.ReadOkAsync()).GetProperty("state").GetString());
        }

        var deleted = Assert.Single(Requests.To("DELETE", $"/v1/subscriptions/{subscription}"));
        Assert.Equal("true", deleted.Parameter("invoice_now"));
        Assert.Equal("false", deleted.Parameter("prorate"));
        Assert.Matches(@"^demo/req_cancel_now/Canceled-\d+$", deleted.IdempotencyKey);
    }

    [Theory]
    [InlineData(null, "create_prorations")]
    [InlineData("always_invoice", "always_invoice")]
    [InlineData("none", "none")]
    public async Task A_plan_change_replaces_the_price_of_the_subscription_item_with_the_asked_proration(string? proration, string sent)
    {
        using var api = service.Client();
        var customer = $"req_plan_{sent}";
        var subscription = await api.SubscribeToStripeSubscriptionAsync(customer);
        var item = (await api.StripeGetAsync($"subscriptions/{subscription}")).GetProperty("items").GetProperty("data")[0].GetProperty("id").GetString();

        using (var change = await api.PostJsonAsync($"/v1/customers/{customer}/subscription/plan", new { plan = "pro", proration }))
        {
            Assert.Equal("pro", (await change.ReadOkAsync()).GetProperty("planId").GetString());
        }

        // The plan's price with the asked proration, then its metered price swapped, billing Basic's usage so far.
        var updates = Requests.To("POST", $"/v1/subscriptions/{subscription}");
        Assert.Equal(2, updates.Count);
        Assert.Equal(item, updates[0].Parameter("items[0][id]"));
        Assert.Equal("price_demo_pro", updates[0].Parameter("items[0][price]"));
        Assert.Null(updates[0].Parameter("items[1][id]"));
        Assert.Equal(sent, updates[0].Parameter("proration_behavior"));
        Assert.Matches($@"^demo/{customer}/PlanChanged-\d+-pro-\w+$", updates[0].IdempotencyKey);
        Assert.Equal(("true", "price_demo_pro_api_calls", "create_prorations"), (updates[1].Parameter("items[0][deleted]"), updates[1].Parameter("items[1][price]"), updates[1].Parameter("proration_behavior")));
        Assert.Equal(updates[0].IdempotencyKey + "/metered", updates[1].IdempotencyKey);
    }

    [Fact]
    public async Task The_portal_link_opens_the_sandbox_portal_of_the_customer()
    {
        using var api = service.Client();
        await api.SubscribeToStripeSubscriptionAsync("req_portal");

        using var response = await api.PostJsonAsync("/v1/customers/req_portal/portal", new { returnUrl = "https://app.test/account" });
        var url = new Uri((await response.ReadOkAsync()).GetProperty("url").GetString()!);

        Assert.StartsWith("/sandbox/portal/", url.AbsolutePath, StringComparison.Ordinal);
        using var page = await api.GetAsync(url, Cancellation);
        page.EnsureSuccessStatusCode();
        var portal = Assert.Single(Requests.To("POST", "/v1/billing_portal/sessions"), r => r.Parameter("customer") == StripeCustomerOf("req_portal"));
        Assert.Equal("https://app.test/account", portal.Parameter("return_url"));
    }

    [Fact]
    public async Task The_invoices_listed_are_the_customers_invoices_at_stripe()
    {
        using var api = service.Client();
        var session = await api.OpenCheckoutAsync("req_invoices", "basic");
        var paid = await api.PayCheckoutAsync(session, TestCards.Succeeds);

        using var response = await api.GetAsync(new Uri("/v1/customers/req_invoices/invoices", UriKind.Relative), Cancellation);
        var invoices = (await response.ReadOkAsync()).EnumerateArray().ToList();

        var invoice = Assert.Single(invoices);
        Assert.Equal(paid.GetProperty("invoice").GetString(), invoice.GetProperty("id").GetString());
        Assert.Equal("paid", invoice.GetProperty("status").GetString());
        Assert.Equal(900, invoice.GetProperty("amountPaid").GetInt64());
        Assert.Equal("usd", invoice.GetProperty("currency").GetString());
        Assert.Contains("/sandbox/invoices/", invoice.GetProperty("hostedUrl").GetString(), StringComparison.Ordinal);
        Assert.Contains(Requests.To("GET", "/v1/invoices"), r => r.Parameter("customer") == StripeCustomerOf("req_invoices"));
    }

    private IReadOnlyList<SandboxRequest> CustomersCreatedFor(string customer) =>
        [.. Requests.To("POST", "/v1/customers").Where(r => r.Parameter("metadata[customer]") == customer)];

    private IReadOnlyList<SandboxRequest> SessionsCreatedFor(string customer) =>
        [.. Requests.To("POST", "/v1/checkout/sessions").Where(r => r.Parameter("metadata[customer]") == customer)];

    /// <summary>The Stripe customer the service made for its customer, as its first checkout named it.</summary>
    private string? StripeCustomerOf(string customer) => SessionsCreatedFor(customer)[0].Parameter("customer");
}
