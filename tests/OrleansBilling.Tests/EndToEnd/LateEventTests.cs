using System.Text.Json;
using OrleansBilling.Sandbox;
using OrleansBilling.Tests.Http;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Stripe delivers in any order and retries for days: an event that arrives after a later one moves
/// nothing backwards. Each late event is one of the sandbox's real events, sent again under a new id.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class LateEventTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    private SandboxControl Sandbox => service.Sandbox;

    [Fact]
    public async Task A_late_created_event_with_an_incomplete_snapshot_leaves_an_active_subscription_active()
    {
        using var api = service.Client();
        var stripeCustomer = await api.SubscribeAsync("late_created", "pro");
        await api.AdvanceClockAsync(days: 15);
        Assert.Contains(Sandbox.Of(stripeCustomer), e => e.Type == "customer.subscription.updated" && Status(e) == "active");
        var before = await api.SubscriptionOfAsync("late_created");
        var created = Assert.Single(Sandbox.Of(stripeCustomer), e => e.Type == "customer.subscription.created");

        await api.DeliverFreshAsync(FreshEvents.AsNew(created, change: subscription => subscription["status"] = "incomplete"));

        var after = await api.SubscriptionOfAsync("late_created");
        Assert.Equal("Active", after.GetProperty("state").GetString());
        AssertSameHistory(before, after);
    }

    [Fact]
    public async Task A_late_payment_failure_of_an_invoice_already_paid_leaves_the_subscription_active()
    {
        using var api = service.Client();
        var stripeCustomer = await api.SubscribeAsync("late_failure", "basic");
        var before = await api.SubscriptionOfAsync("late_failure");
        var paid = Assert.Single(Sandbox.Of(stripeCustomer), e => e.Type == "invoice.paid");

        // The invoice as the failed attempt before the successful one would have shown it.
        await api.DeliverFreshAsync(FreshEvents.AsNew(paid, "invoice.payment_failed", invoice =>
        {
            invoice["status"] = "open";
            invoice["amount_paid"] = 0;
        }));

        var after = await api.SubscriptionOfAsync("late_failure");
        Assert.Equal("Active", after.GetProperty("state").GetString());
        Assert.DoesNotContain("PaymentFailed", SandboxApi.Transitions(after));
        AssertSameHistory(before, after);
    }

    [Fact]
    public async Task A_late_updated_event_of_an_active_subscription_leaves_a_deleted_subscription_canceled()
    {
        using var api = service.Client();
        var stripeCustomer = await api.SubscribeAsync("late_updated", "basic");
        using (var scheduled = await api.PostJsonAsync("/v1/customers/late_updated/subscription/cancel", new { atPeriodEnd = true }))
        {
            await scheduled.ReadOkAsync();
        }

        using (var ended = await api.PostJsonAsync("/v1/customers/late_updated/subscription/cancel", new { atPeriodEnd = false }))
        {
            await ended.ReadOkAsync();
        }

        await api.AllDeliveredAsync();
        Assert.Contains(Sandbox.Of(stripeCustomer), e => e.Type == "customer.subscription.deleted");
        var before = await api.SubscriptionOfAsync("late_updated");
        var updated = Assert.Single(Sandbox.Of(stripeCustomer), e => e.Type == "customer.subscription.updated" && Status(e) == "active");

        await api.DeliverFreshAsync(FreshEvents.AsNew(updated));

        var after = await api.SubscriptionOfAsync("late_updated");
        Assert.Equal("Canceled", after.GetProperty("state").GetString());
        Assert.False((await api.EntitlementsOfAsync("late_updated")).GetProperty("entitled").GetBoolean());
        AssertSameHistory(before, after);
    }

    [Fact]
    public async Task A_late_deleted_event_of_the_previous_subscription_leaves_a_customer_who_came_back_active()
    {
        using var api = service.Client();
        var stripeCustomer = await api.SubscribeAsync("late_won_back", "basic");
        using (var ended = await api.PostJsonAsync("/v1/customers/late_won_back/subscription/cancel", new { atPeriodEnd = false }))
        {
            await ended.ReadOkAsync();
        }

        await api.AllDeliveredAsync();
        var deleted = Assert.Single(Sandbox.Of(stripeCustomer), e => e.Type == "customer.subscription.deleted");
        await api.SubscribeAsync("late_won_back", "basic");
        var before = await api.SubscriptionOfAsync("late_won_back");
        Assert.Equal("WonBack", SandboxApi.Transitions(before)[^1]);

        await api.DeliverFreshAsync(FreshEvents.AsNew(deleted));

        var after = await api.SubscriptionOfAsync("late_won_back");
        Assert.Equal("Active", after.GetProperty("state").GetString());
        AssertSameHistory(before, after);
    }

    private static string? Status(SandboxEvent e) =>
        JsonDocument.Parse(e.Json).RootElement.GetProperty("data").GetProperty("object").GetProperty("status").GetString();

    private static void AssertSameHistory(JsonElement before, JsonElement after) =>
        Assert.Equal(before.GetProperty("recentHistory").GetRawText(), after.GetProperty("recentHistory").GetRawText());
}
