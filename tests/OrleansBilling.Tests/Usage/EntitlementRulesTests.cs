using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Usage;

[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class EntitlementRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProductDefinition Demo = DemoProduct.Definition;

    private static Subscription In(SubscriptionState state, string plan = "basic") => Subscription.New("demo", "c1") with
    {
        State = state,
        PlanId = plan,
        CurrentPeriodStart = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
        CurrentPeriodEnd = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
    };

    private static OverrideView Feature(string name, bool on, DateTimeOffset expires) =>
        new($"ovr_{name}", name, null, on, null, "goodwill", "admin:ada", Now.AddDays(-1), expires);

    private static OverrideView Limit(string name, long value, DateTimeOffset expires) =>
        new($"ovr_{name}", null, name, null, value, "goodwill", "admin:ada", Now.AddDays(-1), expires);

    private static EntitlementsView For(Subscription s, IReadOnlyList<OverrideView> overrides, Dictionary<string, decimal>? used = null) =>
        EntitlementRules.For(
            s with { Overrides = [.. overrides.Select(o => new GrantedOverride(o.Id, o.Feature, o.Limit, o.FeatureValue, o.LimitValue, o.Reason, o.Actor, o.GrantedAt, o.ExpiresAt))] },
            Demo, 7, used ?? [], Now);

    [Fact]
    public void Meters_show_used_limit_and_remaining_of_the_current_period()
    {
        var view = For(In(SubscriptionState.Active), [], new() { ["api_calls"] = 250, ["projects"] = 3 });

        Assert.Equal(new MeterUsageView(250, 1000, 750), view.Meters["api_calls"]);
        Assert.Equal(new MeterUsageView(3, null, null), view.Meters["projects"]);
        Assert.Empty(view.Overrides);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void A_paused_customer_has_the_plan_only_where_the_product_says_a_pause_keeps_access(bool keepsAccess, bool entitled)
    {
        var view = EntitlementRules.For(In(SubscriptionState.Paused), Demo with { PausedKeepsAccess = keepsAccess }, 7, new Dictionary<string, decimal>(), Now);

        Assert.Equal(entitled, view.Entitled);
        Assert.Equal(entitled, view.Limits.ContainsKey("api_calls"));
    }

    [Fact]
    public void Remaining_never_goes_below_zero()
    {
        var view = For(In(SubscriptionState.Active), [], new() { ["api_calls"] = 1500 });

        Assert.Equal(new MeterUsageView(1500, 1000, 0), view.Meters["api_calls"]);
    }

    [Fact]
    public void Overrides_in_force_are_applied_and_listed()
    {
        var expires = Now.AddDays(3);
        var view = For(In(SubscriptionState.Active), [Feature("sso", true, expires), Limit("api_calls", 5000, expires)], new() { ["api_calls"] = 1200 });

        Assert.True(view.Features["sso"]);
        Assert.False(view.Features["exports"]);
        Assert.Equal(5000, view.Limits["api_calls"]);
        Assert.Equal(1, view.Limits["seats"]);
        Assert.Equal(new MeterUsageView(1200, 5000, 3800, LimitOverridden: true), view.Meters["api_calls"]);
        Assert.Equal(["ovr_sso", "ovr_api_calls"], view.Overrides.Select(o => o.Id));
    }

    [Fact]
    public void An_override_is_never_applied_or_shown_from_the_moment_it_expires()
    {
        var view = For(In(SubscriptionState.Active), [Feature("sso", true, Now), Limit("api_calls", 5000, Now.AddTicks(-1))]);

        Assert.False(view.Features["sso"]);
        Assert.Equal(1000, view.Limits["api_calls"]);
        Assert.False(view.Meters["api_calls"].LimitOverridden);
        Assert.Empty(view.Overrides);
    }

    [Fact]
    public void The_later_of_two_overrides_of_the_same_switch_wins()
    {
        var older = Feature("exports", true, Now.AddDays(5));
        var newer = Feature("exports", false, Now.AddDays(5)) with { Id = "ovr_2", GrantedAt = Now.AddHours(-1) };

        Assert.False(For(In(SubscriptionState.Active, "pro"), [newer, older]).Features["exports"]);
    }

    [Fact]
    public void Without_entitlement_meters_allow_nothing_unless_an_override_says_so()
    {
        var canceled = For(In(SubscriptionState.Canceled), [], new() { ["api_calls"] = 10 });
        Assert.False(canceled.Entitled);
        Assert.Equal(new MeterUsageView(10, 0, 0), canceled.Meters["api_calls"]);

        var granted = For(In(SubscriptionState.Canceled), [Limit("api_calls", 100, Now.AddDays(1))], new() { ["api_calls"] = 10 });
        Assert.False(granted.Entitled);
        Assert.Equal(new MeterUsageView(10, 100, 90, LimitOverridden: true), granted.Meters["api_calls"]);
    }

    [Fact]
    public void A_running_dunning_episode_shows_the_grace_period()
    {
        var failedAt = Now.AddDays(-2);
        var pastDue = In(SubscriptionState.PastDue) with { Dunning = new DunningEpisode(1, failedAt, "in_1", DunningPolicy.Default, 1) };

        var view = For(pastDue, []);

        Assert.True(view.Entitled);
        Assert.Equal(new GraceView(failedAt, failedAt.AddDays(7), failedAt.AddDays(14)), view.Grace);
        Assert.Null(For(In(SubscriptionState.Active), []).Grace);
    }

    [Fact]
    public void Access_ends_at_the_grace_end_by_the_clock_though_the_suspend_step_has_not_run()
    {
        var failedAt = Now.AddDays(-7);
        var pastDue = In(SubscriptionState.PastDue) with { Dunning = new DunningEpisode(1, failedAt, "in_1", DunningPolicy.Default, 2) };

        var justBefore = EntitlementRules.For(pastDue, Demo, 7, new Dictionary<string, decimal>(), Now.AddTicks(-1));
        var atGraceEnd = EntitlementRules.For(pastDue, Demo, 7, new Dictionary<string, decimal>(), Now);

        Assert.Equal(Now, EntitlementRules.AccessEndsAt(pastDue));
        Assert.True(justBefore.Entitled);
        Assert.Equal((SubscriptionState.PastDue, false, null), (atGraceEnd.State, atGraceEnd.Entitled, atGraceEnd.PlanId));
        Assert.All(atGraceEnd.Features.Values, on => Assert.False(on));
    }

    [Fact]
    public void A_policy_that_never_suspends_ends_access_at_its_cancel_step()
    {
        var policy = new DunningPolicy([new DunningStep(TimeSpan.Zero, DunningAction.Email, "payment_failed"), new DunningStep(TimeSpan.FromDays(10), DunningAction.Cancel, "subscription_canceled")]);
        var pastDue = In(SubscriptionState.PastDue) with { Dunning = new DunningEpisode(1, Now.AddDays(-10), "in_1", policy, 1) };

        Assert.Equal(Now, EntitlementRules.AccessEndsAt(pastDue));
        Assert.False(EntitlementRules.For(pastDue, Demo, 7, new Dictionary<string, decimal>(), Now).Entitled);
    }

    [Fact]
    public void A_subscription_canceling_at_the_period_end_stops_there_before_the_provider_says_so()
    {
        var canceling = In(SubscriptionState.Canceling);
        var periodEnd = canceling.CurrentPeriodEnd!.Value;

        Assert.True(EntitlementRules.For(canceling, Demo, 7, new Dictionary<string, decimal>(), periodEnd.AddTicks(-1)).Entitled);
        Assert.False(EntitlementRules.For(canceling, Demo, 7, new Dictionary<string, decimal>(), periodEnd).Entitled);
        Assert.Null(EntitlementRules.AccessEndsAt(In(SubscriptionState.Active)));
    }

    [Fact]
    public void A_trial_shows_when_it_ends()
    {
        var trialEnd = Now.AddDays(4);

        Assert.Equal(trialEnd, For(In(SubscriptionState.Trialing, "pro") with { TrialEnd = trialEnd }, []).TrialEnd);
        Assert.Null(For(In(SubscriptionState.Active) with { TrialEnd = trialEnd }, []).TrialEnd);
    }
}
