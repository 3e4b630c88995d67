using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Usage;

[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class UsagePeriodsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Previous = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static BillingPeriod Period(Subscription subscription, DateTimeOffset? previous) =>
        UsagePeriods.Of(subscription with { PreviousPeriodStart = previous });

    private static Subscription In(SubscriptionState state) =>
        Subscription.New("demo", "c1") with { State = state, PlanId = "basic", CurrentPeriodStart = Start, CurrentPeriodEnd = End };

    [Fact]
    public void Usage_inside_the_current_period_counts_there()
    {
        Assert.Equal(Start, UsagePeriods.Of(Period(In(SubscriptionState.Active), Previous), Now, Now).PeriodStart);
        Assert.Equal(Start, UsagePeriods.Of(Period(In(SubscriptionState.Active), Previous), Start, Now).PeriodStart);
    }

    [Fact]
    public void Late_usage_from_the_previous_period_counts_in_the_previous_period()
    {
        Assert.Equal(Previous, UsagePeriods.Of(Period(In(SubscriptionState.Active), Previous), Start.AddTicks(-1), Now).PeriodStart);
    }

    [Fact]
    public void Usage_older_than_the_previous_period_is_refused()
    {
        var (period, error, detail) = UsagePeriods.Of(Period(In(SubscriptionState.Active), Previous), Previous.AddTicks(-1), Now);

        Assert.Null(period);
        Assert.Equal(UsageError.OutsidePeriod, error);
        Assert.Contains("outside the current period", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_known_previous_period_only_the_current_one_counts()
    {
        Assert.Equal(UsageError.OutsidePeriod, UsagePeriods.Of(Period(In(SubscriptionState.Active), null), Start.AddDays(-1), Now).Error);
    }

    [Fact]
    public void Usage_from_the_future_is_refused_beyond_five_minutes_of_skew()
    {
        var subscription = In(SubscriptionState.Active);

        Assert.Equal(Start, UsagePeriods.Of(Period(subscription, Previous), Now + UsagePeriods.FutureTolerance, Now).PeriodStart);
        Assert.Equal(UsageError.OutsidePeriod, UsagePeriods.Of(Period(subscription, Previous), Now + UsagePeriods.FutureTolerance + TimeSpan.FromSeconds(1), Now).Error);
    }

    [Theory]
    [InlineData(SubscriptionState.Active)]
    [InlineData(SubscriptionState.Trialing)]
    [InlineData(SubscriptionState.PastDue)]
    public void After_the_period_end_a_renewing_subscription_counts_in_the_period_that_starts_there(SubscriptionState state)
    {
        var now = End.AddMinutes(3);

        Assert.Equal(End, UsagePeriods.Of(Period(In(state), Previous), now, now).PeriodStart);
        Assert.Equal(End, UsagePeriods.Current(In(state), now));
    }

    [Theory]
    [InlineData(SubscriptionState.Canceling)]
    [InlineData(SubscriptionState.Canceled)]
    [InlineData(SubscriptionState.Suspended)]
    public void After_the_period_end_a_subscription_that_does_not_renew_takes_no_usage(SubscriptionState state)
    {
        var now = End.AddMinutes(3);

        Assert.Equal(UsageError.OutsidePeriod, UsagePeriods.Of(Period(In(state), Previous), now, now).Error);
        Assert.Equal(Start, UsagePeriods.Current(In(state), now));
    }

    [Fact]
    public void A_customer_without_a_period_has_nowhere_to_count_usage()
    {
        var (period, error, _) = UsagePeriods.Of(Period(Subscription.New("demo", "c1"), null), Now, Now);

        Assert.Null(period);
        Assert.Equal(UsageError.NoBillingPeriod, error);
    }
}
