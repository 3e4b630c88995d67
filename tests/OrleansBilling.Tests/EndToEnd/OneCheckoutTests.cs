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
