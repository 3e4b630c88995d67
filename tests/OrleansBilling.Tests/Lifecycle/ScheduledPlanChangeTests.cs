using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;
using static OrleansBilling.Tests.Lifecycle.LifecycleFixture;

namespace OrleansBilling.Tests.Lifecycle;

/// <summary>A plan change that waits for the period end (issue 11 §5), as the decider sees it.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class ScheduledPlanChangeTests
{
    private static readonly DateTimeOffset PeriodEnd = Now.AddDays(20);

    private static Subscription Running() => In(Active) with { ProviderSubscriptionId = "sub_1", CurrentPeriodStart = Now.AddDays(-10), CurrentPeriodEnd = PeriodEnd };

    [Fact]
    public void A_change_to_a_plan_billed_per_another_interval_cannot_wait_for_the_period_end()
    {
        var yearly = Product with { Plans = [.. Product.Plans, Product.Plans[1] with { PlanId = "pro_yearly", ProviderPriceId = "price_pro_yearly", Interval = BillingInterval.Year }] };

        var decision = SubscriptionLifecycle.Decide(Running(), new LifecycleInput.SchedulePlanChange("api:1", "api:demo", "pro_yearly"), yearly, Now);

        Assert.Equal(CommandErrorCode.InvalidRequest, Assert.IsType<Decision.Rejected>(decision).Code);
    }

    [Fact]
    public void The_plan_moves_when_the_new_period_starts_and_not_before()
    {
        var scheduled = After(Running(), new LifecycleInput.SchedulePlanChange("api:1", "api:demo", "pro"));
        var stripeAlreadyBillsPro = new ProviderSubscription("sub_1", "cus_1", ProviderSubscriptionStatus.Active, false, "price_pro", Now.AddDays(-10), PeriodEnd, null, "in_1", true);

        var beforeRenewal = Decide(scheduled, new LifecycleInput.Reconcile("evt_1", stripeAlreadyBillsPro, "pro"));
        var renewed = After(scheduled, new LifecycleInput.InvoicePaid("evt_2", "in_2", 2900, "sub_1", PeriodEnd, PeriodEnd.AddMonths(1), "eur"));

        Assert.Equal(("basic", "pro"), (scheduled.PlanId, scheduled.PendingChange?.PlanId));
        Assert.Equal("basic", (beforeRenewal switch { Decision.Applied a => a.Next, Decision.Ignored i => i.Next, _ => throw new InvalidOperationException(beforeRenewal.ToString()) }).PlanId);
        Assert.Equal(("pro", null), (renewed.PlanId, renewed.PendingChange));
        Assert.Equal(2900, renewed.Terms!.UnitAmountMinor);
    }

    [Fact]
    public void A_third_plan_set_at_Stripe_withdraws_the_scheduled_change()
    {
        var product = Product with { Plans = [.. Product.Plans, Product.Plans[0] with { PlanId = "team", ProviderPriceId = "price_team" }] };
        var scheduled = SubscriptionLifecycle.Decide(Running(), new LifecycleInput.SchedulePlanChange("api:1", "api:demo", "pro"), product, Now) is Decision.Applied a ? a.Next : throw new InvalidOperationException();
        var team = new ProviderSubscription("sub_1", "cus_1", ProviderSubscriptionStatus.Active, false, "price_team", Now.AddDays(-10), PeriodEnd, null, "in_1", true);

        var decision = Assert.IsType<Decision.Applied>(SubscriptionLifecycle.Decide(scheduled, new LifecycleInput.Reconcile("evt_1", team, "team"), product, Now));

        Assert.Equal(("team", null), (decision.Next.PlanId, decision.Next.PendingChange));
    }
}
