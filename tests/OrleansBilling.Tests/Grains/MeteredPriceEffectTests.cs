using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// The metered prices follow the plan (issue 11 §2): a swap that waited in the outbox (an outage) and runs after
/// a later plan change leaves that change alone instead of putting the older plan's prices back.
/// </summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class MeteredPriceEffectTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    [Fact]
    public async Task A_delayed_swap_of_the_metered_prices_does_not_undo_a_later_plan_change()
    {
        var grain = await cluster.ActiveOnBasic("stale_meter");
        var now = cluster.Clock.GetUtcNow();
        cluster.Payments.Subscriptions["sub_stale_meter"] = new ProviderSubscription(
            "sub_stale_meter", "cus_stale", ProviderSubscriptionStatus.Active, false, "price_demo_pro", now.AddDays(-1), now.AddDays(-1).AddMonths(1), null, null, false);
        cluster.Effects.Fail<Effect.ChangeMeteredPrices>();

        // Switched to pro in Stripe's portal; the swap of the metered prices fails and waits.
        await grain.ApplyProviderEvent(new ProviderEvent("evt_stale_meter_portal", ProviderEventKind.SubscriptionChanged, now,
            ProviderSubscriptionId: "sub_stale_meter", SubscriptionStatus: "active", PriceId: "price_demo_pro", PeriodEnd: now.AddDays(-1).AddMonths(1)));
        var afterPortal = (await grain.GetSubscription()).PlanId;

        // Then the product moves the customer back to basic at once, and the waiting swap finally runs.
        Assert.True((await grain.ChangePlan("basic", ProrationMode.CreateProrations, CommandContext.Api)).Succeeded);
        cluster.Effects.Heal<Effect.ChangeMeteredPrices>();
        await Poll.UntilAsync(
            async () =>
            {
                cluster.Clock.Advance(TimeSpan.FromMinutes(1));
                await grain.GetSubscription();
                return cluster.Effects.Done.OfType<Effect.ChangeMeteredPrices>().Any(e => e.ProviderSubscriptionId == "sub_stale_meter");
            },
            TimeSpan.FromSeconds(30),
            "the waiting swap to run");

        Assert.Equal("pro", afterPortal);
        Assert.Equal("basic", (await grain.GetSubscription()).PlanId);
        Assert.Equal("price_demo_basic", cluster.Payments.Subscriptions["sub_stale_meter"].PriceId);
        Assert.Equal(
            ["price_demo_basic_api_calls", "skipped: plan price is price_demo_basic"],
            cluster.Payments.CallsNamed("change_metered").Where(c => c.Target == "sub_stale_meter").Select(c => c.Detail));
    }
}
