using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Http;

/// <summary>A subscription's life over HTTP: checkout, entitlements, cancel, resume, plan change.</summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class SubscriptionFlowTests(BillingService service) : IClassFixture<BillingService>
{
    [Fact]
    public async Task Checkout_answers_the_hosted_checkout_url_and_the_Incomplete_state()
    {
        using var client = service.Client();

        using var response = await client.PostJsonAsync("/v1/checkout", BillingApi.Checkout("flow_checkout"));

        var checkout = await response.ReadOkAsync();
        Assert.StartsWith("https://checkout.test/", checkout.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("Incomplete", checkout.GetProperty("state").GetString());
        Assert.Single(service.Payments.CallsNamed("checkout"), c => c.Target == "demo/flow_checkout" && c.Detail == "price_demo_basic; trial=0");
    }

    [Fact]
    public async Task After_checkout_the_subscription_is_Incomplete_with_a_CheckoutStarted_entry()
    {
        using var client = service.Client();
        await client.StartCheckoutAsync("flow_after_checkout");

        var subscription = await client.SubscriptionOfAsync("flow_after_checkout");

        Assert.Equal("Incomplete", subscription.GetProperty("state").GetString());
        Assert.Equal("basic", subscription.GetProperty("planId").GetString());
        var entry = Assert.Single(subscription.GetProperty("recentHistory").EnumerateArray());
        Assert.Equal("CheckoutStarted", entry.GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_active_subscription_is_entitled_to_its_plans_features_and_limits()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_entitled");

        var entitlements = await client.EntitlementsOfAsync("flow_entitled");

        Assert.Equal("Active", entitlements.GetProperty("state").GetString());
        Assert.True(entitlements.GetProperty("entitled").GetBoolean());
        Assert.Equal("basic", entitlements.GetProperty("planId").GetString());
        Assert.False(entitlements.GetProperty("features").GetProperty("exports").GetBoolean());
        Assert.Equal(1, entitlements.GetProperty("limits").GetProperty("seats").GetInt64());
        Assert.Equal(1000, entitlements.GetProperty("limits").GetProperty("api_calls").GetInt64());
    }

    [Fact]
    public async Task Cancel_at_period_end_moves_an_active_subscription_to_Canceling()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_cancel_later");

        using var response = await client.PostJsonAsync("/v1/customers/flow_cancel_later/subscription/cancel", new { atPeriodEnd = true });

        var subscription = await response.ReadOkAsync();
        Assert.Equal("Canceling", subscription.GetProperty("state").GetString());
        Assert.True(subscription.GetProperty("cancelAtPeriodEnd").GetBoolean());
        Assert.Single(service.Payments.CallsNamed("cancel_at_period_end"), c => c.Target == BillingApi.ProviderSubscriptionOf("flow_cancel_later"));
    }

    [Fact]
    public async Task A_subscription_canceling_at_period_end_stays_entitled_until_then()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_canceling_entitled");
        using var cancel = await client.PostJsonAsync("/v1/customers/flow_canceling_entitled/subscription/cancel", new { atPeriodEnd = true });

        var entitlements = await client.EntitlementsOfAsync("flow_canceling_entitled");

        Assert.Equal("Canceling", entitlements.GetProperty("state").GetString());
        Assert.True(entitlements.GetProperty("entitled").GetBoolean());
    }

    [Fact]
    public async Task Resume_undoes_a_scheduled_cancel()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_resume");
        using var cancel = await client.PostJsonAsync("/v1/customers/flow_resume/subscription/cancel", new { atPeriodEnd = true });

        using var response = await client.PostJsonAsync("/v1/customers/flow_resume/subscription/resume", null);

        var subscription = await response.ReadOkAsync();
        Assert.Equal("Active", subscription.GetProperty("state").GetString());
        Assert.False(subscription.GetProperty("cancelAtPeriodEnd").GetBoolean());
        Assert.Single(service.Payments.CallsNamed("undo_cancel"), c => c.Target == BillingApi.ProviderSubscriptionOf("flow_resume"));
    }

    [Fact]
    public async Task Changing_to_pro_with_always_invoice_moves_the_provider_to_the_pro_price_invoiced_at_once()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_upgrade");

        using var response = await client.PostJsonAsync("/v1/customers/flow_upgrade/subscription/plan", new { plan = "pro", proration = "always_invoice" });

        Assert.Equal("pro", (await response.ReadOkAsync()).GetProperty("planId").GetString());
        var call = Assert.Single(service.Payments.CallsNamed("change_price"), c => c.Target == BillingApi.ProviderSubscriptionOf("flow_upgrade"));
        Assert.Equal("price_demo_pro:AlwaysInvoice", call.Detail);
    }

    [Fact]
    public async Task A_plan_change_without_proration_prorates_as_Stripe_does_by_default()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_upgrade_default");

        using var response = await client.PostJsonAsync("/v1/customers/flow_upgrade_default/subscription/plan", new { plan = "pro" });

        await response.ReadOkAsync();
        var call = Assert.Single(service.Payments.CallsNamed("change_price"), c => c.Target == BillingApi.ProviderSubscriptionOf("flow_upgrade_default"));
        Assert.Equal("price_demo_pro:CreateProrations", call.Detail);
    }

    [Fact]
    public async Task After_a_plan_change_the_entitlements_are_the_new_plans()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_upgrade_entitled");
        using var change = await client.PostJsonAsync("/v1/customers/flow_upgrade_entitled/subscription/plan", new { plan = "pro", proration = "always_invoice" });

        var entitlements = await client.EntitlementsOfAsync("flow_upgrade_entitled");

        Assert.Equal("pro", entitlements.GetProperty("planId").GetString());
        Assert.True(entitlements.GetProperty("features").GetProperty("exports").GetBoolean());
        Assert.Equal(10, entitlements.GetProperty("limits").GetProperty("seats").GetInt64());
    }

    [Fact]
    public async Task Cancel_now_ends_the_subscription_at_once()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_cancel_now");

        using var response = await client.PostJsonAsync("/v1/customers/flow_cancel_now/subscription/cancel", new { atPeriodEnd = false });

        Assert.Equal("Canceled", (await response.ReadOkAsync()).GetProperty("state").GetString());
        Assert.Single(service.Payments.CallsNamed("cancel_now"), c => c.Target == BillingApi.ProviderSubscriptionOf("flow_cancel_now"));
    }

    [Fact]
    public async Task After_cancel_now_the_customer_is_entitled_to_nothing()
    {
        using var client = service.Client();
        await service.ActivateAsync(client, "flow_canceled_entitled");
        using var cancel = await client.PostJsonAsync("/v1/customers/flow_canceled_entitled/subscription/cancel", new { atPeriodEnd = false });

        var entitlements = await client.EntitlementsOfAsync("flow_canceled_entitled");

        Assert.Equal("Canceled", entitlements.GetProperty("state").GetString());
        Assert.False(entitlements.GetProperty("entitled").GetBoolean());
        Assert.All(entitlements.GetProperty("features").EnumerateObject(), feature => Assert.False(feature.Value.GetBoolean()));
        Assert.Empty(entitlements.GetProperty("limits").EnumerateObject());
    }
}
