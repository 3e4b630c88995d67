using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.Sandbox;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// One checkout at a time (issue 11 §1): two checkouts for one customer, both paid, must not give two
/// Stripe subscriptions. The same request gets the open session again; another one expires the earlier
/// session at Stripe before a new one opens, so the earlier page can no longer be paid.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class OneCheckoutTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SandboxRequests Requests => service.Services.GetRequiredService<SandboxRequests>();

    [Fact]
    public async Task The_same_checkout_asked_twice_answers_the_same_open_session()
    {
        using var api = service.Client();

        var first = await api.OpenCheckoutAsync("one_same", "basic");
        var second = await api.OpenCheckoutAsync("one_same", "basic");

        Assert.Equal(first, second);
        Assert.Single(Requests.To("POST", "/v1/checkout/sessions"), r => r.Parameter("metadata[customer]") == "one_same");
        Assert.Empty(Requests.To("POST", $"/v1/checkout/sessions/{first}/expire"));
    }

    [Fact]
    public async Task Another_checkout_expires_the_earlier_session_so_paying_both_charges_once()
    {
        using var api = service.Client();
        var first = await api.OpenCheckoutAsync("one_other", "basic");

        var second = await api.OpenCheckoutAsync("one_other", "pro");
        var paidFirst = await api.PayCheckoutAsync(first, TestCards.Succeeds, HttpStatusCode.BadRequest);
        var paidSecond = await api.PayCheckoutAsync(second, TestCards.Succeeds);
        await api.AllDeliveredAsync();

        Assert.NotEqual(first, second);
        var expire = Assert.Single(Requests.To("POST", $"/v1/checkout/sessions/{first}/expire"));
        Assert.Matches(@"^demo/one_other/checkout-1/expire$", expire.IdempotencyKey);
        Assert.Equal("expired", (await api.StripeGetAsync($"checkout/sessions/{first}")).GetProperty("status").GetString());
        Assert.Contains("expired", paidFirst.ToString(), StringComparison.Ordinal);
        var customer = paidSecond.GetProperty("customer").GetString();
        var subscriptions = await api.StripeGetAsync($"subscriptions?customer={customer}&status=all");
        Assert.Single(subscriptions.GetProperty("data").EnumerateArray());
        var subscription = await api.SubscriptionOfAsync("one_other");
        Assert.Equal("Trialing", subscription.GetProperty("state").GetString());
        Assert.Equal("pro", subscription.GetProperty("planId").GetString());
    }

    [Fact]
    public async Task A_second_subscription_that_appears_anyway_is_canceled_at_once_refunded_and_recorded_as_an_anomaly()
    {
        using var api = service.Client();
        var first = await api.OpenCheckoutAsync("one_race", "basic");
        var stripeCustomer = (await api.StripeGetAsync($"checkout/sessions/{first}")).GetProperty("customer").GetString();

        // The race at Stripe: a second session for the same customer that the service never saw expire.
        var second = (await api.StripePostAsync("checkout/sessions",
            $"mode=subscription&customer={stripeCustomer}&line_items[0][price]=price_demo_basic&line_items[0][quantity]=1&success_url=https%3A%2F%2Fapp.test%2F"
            + "&subscription_data[metadata][product]=demo&subscription_data[metadata][customer]=one_race&metadata[product]=demo&metadata[customer]=one_race"))
            .GetProperty("id").GetString()!;
        var kept = (await api.PayCheckoutAsync(first, TestCards.Succeeds)).GetProperty("subscription").GetString();
        var extra = (await api.PayCheckoutAsync(second, TestCards.Succeeds)).GetProperty("subscription").GetString();
        await Poll.UntilAsync(
            async () => (await api.StripeGetAsync($"subscriptions/{extra}")).GetProperty("status").GetString() == "canceled",
            TimeSpan.FromSeconds(20), "the extra subscription canceled at Stripe");
        await api.AllDeliveredAsync();

        var subscription = await api.SubscriptionOfAsync("one_race");
        Assert.Equal("Active", subscription.GetProperty("state").GetString());
        Assert.Equal("active", (await api.StripeGetAsync($"subscriptions/{kept}")).GetProperty("status").GetString());
        var extraInvoice = (await api.StripeGetAsync($"subscriptions/{extra}")).GetProperty("latest_invoice").GetString();
        var paid = (await api.StripeGetAsync($"invoices/{extraInvoice}")).GetProperty("amount_paid").GetInt64();
        var refunds = await api.StripeGetAsync("events?type=refund.created&limit=100");
        Assert.Single(refunds.GetProperty("data").EnumerateArray(), e => e.GetProperty("data").GetProperty("object").GetProperty("amount").GetInt64() == paid
            && e.GetProperty("data").GetProperty("object").GetProperty("metadata").GetProperty("customer").GetString() == "one_race");
        Assert.Single(SandboxApi.History(subscription), e => e.GetProperty("name").GetString() == "DuplicateSubscriptionCanceled");
        Assert.Single(await api.TemplatesSentToAsync("one_race@example.com"), t => t == "welcome");

        using var admin = service.Client(apiKey: BillingService.AdminKey);
        using var anomalies = await admin.GetAsync(new Uri("/admin/v1/anomalies", UriKind.Relative), Ct);
        Assert.Contains((await anomalies.ReadOkAsync()).EnumerateArray(), a => a.GetProperty("kind").GetString() == "DuplicateSubscription"
            && a.GetProperty("subscriptionKey").GetString() == "demo/one_race");
    }

    [Fact]
    public async Task After_the_earlier_session_expired_at_Stripe_the_same_request_opens_a_new_one()
    {
        using var api = service.Client();
        var first = await api.OpenCheckoutAsync("one_lapsed", "basic");
        await api.StripePostAsync($"checkout/sessions/{first}/expire");
        await api.AllDeliveredAsync();

        var second = await api.OpenCheckoutAsync("one_lapsed", "basic");

        Assert.NotEqual(first, second);
        Assert.Equal("open", (await api.StripeGetAsync($"checkout/sessions/{second}")).GetProperty("status").GetString());
    }
}
