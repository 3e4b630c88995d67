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
    }
}
