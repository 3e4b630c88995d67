using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;
using static OrleansBilling.Tests.Lifecycle.LifecycleFixture;

namespace OrleansBilling.Tests.Lifecycle;

/// <summary>Following the provider's current subscription through the table ("fetch on doubt").</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class ReconcileTests
{
    private static readonly DateTimeOffset NextMonth = Now.AddMonths(1);

    [Theory]
    [InlineData(ProviderSubscriptionStatus.Active, LifecycleTransition.Activated, Active)]
    [InlineData(ProviderSubscriptionStatus.Trialing, LifecycleTransition.TrialStarted, Trialing)]
    public void A_started_checkout_follows_the_new_subscription(ProviderSubscriptionStatus status, LifecycleTransition transition, SubscriptionState to)
    {
        var decision = Decide(In(Incomplete), Observed(status));

        var applied = AssertTakes(decision, transition, to);
        Assert.Equal("sub_1", applied.Next.ProviderSubscriptionId);
    }

    [Fact]
    public void A_customer_canceled_before_who_subscribes_again_is_won_back()
    {
        var canceled = In(Canceled) with { CanceledBefore = true, ProviderSubscriptionId = "sub_old" };

        var decision = Decide(canceled, Observed(ProviderSubscriptionStatus.Active, subscription: "sub_new"));

        var applied = AssertTakes(decision, LifecycleTransition.WonBack, Active);
        Assert.Equal(1, applied.Next.WinBacks);
        Assert.Equal(Now, applied.Next.LastWonBackAt);
        Assert.Contains(applied.Effects, e => e is Effect.SendEmail { Template: "win_back" });
    }

    [Fact]
    public void A_trial_that_turned_active_converts()
    {
        AssertTakes(Decide(In(Trialing), Observed(ProviderSubscriptionStatus.Active)), LifecycleTransition.TrialConverted, Active);
    }

    [Fact]
    public void Cancel_at_period_end_is_scheduled_and_its_withdrawal_undoes_it()
    {
        var canceling = AssertTakes(Decide(In(Active), Observed(ProviderSubscriptionStatus.Active, cancelAtPeriodEnd: true)), LifecycleTransition.CancelScheduled, Canceling).Next;

        AssertTakes(Decide(canceling, Observed(ProviderSubscriptionStatus.Active, id: "evt_2")), LifecycleTransition.CancelUndone, Active);
    }

    [Fact]
    public void Past_due_with_an_unpaid_latest_invoice_is_a_failed_payment_that_records_the_invoice()
    {
        var applied = AssertTakes(Decide(In(Active), Observed(ProviderSubscriptionStatus.PastDue, latestInvoice: "in_2")), LifecycleTransition.PaymentFailed, PastDue);

        Assert.Equal("in_2", applied.Next.OpenInvoiceId);
    }

    [Fact]
    public void Past_due_whose_latest_invoice_is_known_paid_is_a_late_snapshot()
    {
        var paid = In(Active).RememberPaid("in_2");

        AssertSkipped(Decide(paid, Observed(ProviderSubscriptionStatus.PastDue, latestInvoice: "in_2")), IgnoreReason.Stale, Active);
    }

    [Theory]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    public void Active_again_after_past_due_is_a_recovery(SubscriptionState from)
    {
        AssertTakes(Decide(In(from), Observed(ProviderSubscriptionStatus.Active)), LifecycleTransition.PaymentRecovered, Active);
    }

    [Fact]
    public void A_suspended_subscription_stays_suspended_while_the_provider_says_past_due()
    {
        var suspended = In(Suspended) with { ProviderSubscriptionId = "sub_1", ProviderCustomerId = "cus_1", CurrentPeriodStart = Now, CurrentPeriodEnd = NextMonth };

        AssertSkipped(Decide(suspended, Observed(ProviderSubscriptionStatus.PastDue)), IgnoreReason.AlreadyInState, Suspended);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    public void A_canceled_provider_subscription_cancels_every_live_state(SubscriptionState from)
    {
        var applied = AssertTakes(Decide(In(from), Observed(ProviderSubscriptionStatus.Canceled)), LifecycleTransition.Canceled, Canceled);

        Assert.True(applied.Next.CanceledBefore);
    }

    [Fact]
    public void The_canceled_subscription_never_comes_back()
    {
        var canceled = In(Canceled) with { CanceledBefore = true, ProviderSubscriptionId = "sub_1" };

        AssertSkipped(Decide(canceled, Observed(ProviderSubscriptionStatus.Active)), IgnoreReason.Stale, Canceled);
    }

    [Theory]
    [InlineData(ProviderSubscriptionStatus.Canceled)]
    [InlineData(ProviderSubscriptionStatus.IncompleteExpired)]
    public void An_ended_subscription_other_than_the_running_one_is_stale(ProviderSubscriptionStatus status)
    {
        var wonBack = In(Active) with { CanceledBefore = true, ProviderSubscriptionId = "sub_new" };

        AssertSkipped(Decide(wonBack, Observed(status, subscription: "sub_old")), IgnoreReason.Stale, Active);
    }

    [Fact]
    public void A_second_running_subscription_is_canceled_and_refunded_once_and_the_running_one_stays()
    {
        var running = In(Active) with { ProviderSubscriptionId = "sub_1" };

        var decision = Assert.IsType<Decision.Applied>(Decide(running, Observed(ProviderSubscriptionStatus.Active, subscription: "sub_2")));
        var again = Decide(decision.Next, Observed(ProviderSubscriptionStatus.Active, subscription: "sub_2", id: "evt_2"));

        Assert.Null(decision.Transition);
        Assert.Equal((Active, "sub_1"), (decision.Next.State, decision.Next.ProviderSubscriptionId));
        Assert.Equal(nameof(HistoryFact.DuplicateSubscriptionCanceled), Assert.Single(decision.Entries).Name);
        var cancel = Assert.Single(decision.Effects.OfType<Effect.CancelDuplicate>());
        Assert.Equal("sub_2", cancel.ProviderSubscriptionId);
        Assert.DoesNotContain(decision.Effects, e => e is Effect.SendEmail);
        Assert.IsType<Decision.Ignored>(again);
    }

    [Fact]
    public void An_older_snapshot_is_stale_because_a_period_end_never_moves_backwards()
    {
        var current = In(Active) with { ProviderSubscriptionId = "sub_1", CurrentPeriodEnd = NextMonth.AddMonths(1) };

        AssertSkipped(Decide(current, Observed(ProviderSubscriptionStatus.PastDue)), IgnoreReason.Stale, Active);
    }

    [Theory]
    [InlineData(Active)]
    [InlineData(PastDue)]
    public void A_subscription_never_returns_to_incomplete(SubscriptionState from)
    {
        AssertSkipped(Decide(In(from), Observed(ProviderSubscriptionStatus.Incomplete)), IgnoreReason.Stale, from);
    }

    [Fact]
    public void A_new_price_at_the_provider_is_a_plan_change()
    {
        var decision = Decide(In(Active), Observed(ProviderSubscriptionStatus.Active) with { PlanId = "pro" });

        Assert.Equal("pro", AssertTakes(decision, LifecycleTransition.PlanChanged, Active).Next.PlanId);
    }

    [Fact]
    public void The_quantity_and_discounts_the_provider_bills_are_recorded_in_the_terms_and_follow_a_plan_change()
    {
        var synced = In(Active) with { ProviderSubscriptionId = "sub_1", ProviderCustomerId = "cus_1", CurrentPeriodStart = Now, CurrentPeriodEnd = NextMonth };
        var quarter = new PriceDiscount("di_1", "QUARTER", DiscountDuration.Forever, PercentOff: 25m);
        var billed = Observed(ProviderSubscriptionStatus.Active);
        billed = billed with { Observed = billed.Observed with { Quantity = 3, Discounts = [quarter] } };

        var updated = Assert.IsType<Decision.Applied>(Decide(synced, billed));
        var upgraded = AssertTakes(Decide(updated.Next, billed with { InputId = "evt_2", PlanId = "pro", Observed = billed.Observed with { Discounts = null } }), LifecycleTransition.PlanChanged, Active);

        // The change is a fact with the terms before and after, in words in its detail.
        var entry = Assert.Single(updated.Entries);
        Assert.Equal((nameof(HistoryFact.SubscriptionUpdated), BasicTerms, BasicTerms with { Quantity = 3, Discounts = [quarter] }), (entry.Name, entry.TermsBefore, entry.TermsAfter));
        Assert.Equal("quantity: 1 -> 3; discounts: none -> 25% off forever (coupon QUARTER, di_1)", entry.Detail);

        // On the new plan the price is the plan's, and the quantity and discounts stay (an event without them keeps them).
        Assert.Equal(new PriceTerms("pro", 2900, "eur", GrainInterfaces.Catalog.BillingInterval.Month, 3) { Discounts = [quarter] }, upgraded.Next.Terms);
    }

    [Fact]
    public void A_discount_swapped_for_another_that_takes_the_same_off_is_recorded()
    {
        var loyal = new PriceDiscount("di_1", "LOYAL20", DiscountDuration.Forever, PercentOff: 20m);
        var vip = new PriceDiscount("di_2", "VIP20", DiscountDuration.Forever, PercentOff: 20m);
        var synced = In(Active) with { ProviderSubscriptionId = "sub_1", ProviderCustomerId = "cus_1", CurrentPeriodStart = Now, CurrentPeriodEnd = NextMonth, Terms = BasicTerms with { Discounts = [loyal] } };
        var observed = Observed(ProviderSubscriptionStatus.Active);

        var swapped = Assert.IsType<Decision.Applied>(Decide(synced, observed with { Observed = observed.Observed with { Discounts = [vip] } }));

        Assert.Equal([vip], swapped.Next.Terms!.Discounts);
        Assert.Contains("coupon VIP20, di_2", Assert.Single(swapped.Entries).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_whose_quantity_or_discounts_differ_from_what_is_known_is_fetched()
    {
        var known = In(Active) with
        {
            ProviderSubscriptionId = "sub_1", CurrentPeriodEnd = NextMonth,
            Terms = BasicTerms with { Discounts = [new PriceDiscount("di_1", "QUARTER", DiscountDuration.Forever, PercentOff: 25m)] },
        };
        var snapshot = new ProviderEvent(
            "evt_1", ProviderEventKind.SubscriptionChanged, Now, ProviderSubscriptionId: "sub_1", PeriodEnd: NextMonth, SubscriptionStatus: "active",
            PriceId: "price_basic", Quantity: 1, DiscountIds: ["di_1"]);

        Assert.NotNull(SubscriptionLifecycle.SnapshotAgrees(known, snapshot, Product));
        Assert.Null(SubscriptionLifecycle.SnapshotAgrees(known, snapshot with { DiscountIds = [] }, Product));
        Assert.Null(SubscriptionLifecycle.SnapshotAgrees(known, snapshot with { DiscountIds = ["di_2"] }, Product));
        Assert.Null(SubscriptionLifecycle.SnapshotAgrees(known, snapshot with { Quantity = 2 }, Product));
    }

    [Fact]
    public void Past_due_while_canceling_is_refused_as_the_table_has_no_such_transition()
    {
        var decision = Assert.IsType<Decision.Refused>(Decide(In(Canceling), Observed(ProviderSubscriptionStatus.PastDue)));

        Assert.Equal(LifecycleTransition.PaymentFailed, decision.Attempted);
    }

    private static LifecycleInput.Reconcile Observed(
        ProviderSubscriptionStatus status,
        bool cancelAtPeriodEnd = false,
        string subscription = "sub_1",
        string? latestInvoice = "in_1",
        string id = "evt_1") =>
        new(id, new ProviderSubscription(subscription, "cus_1", status, cancelAtPeriodEnd, "price_demo_basic", Now, NextMonth, null, latestInvoice, false), "basic");

    private static Decision.Applied AssertTakes(Decision decision, LifecycleTransition transition, SubscriptionState to)
    {
        var applied = Assert.IsType<Decision.Applied>(decision);
        Assert.Equal(transition, applied.Transition);
        Assert.Equal(to, applied.Next.State);
        return applied;
    }

    private static void AssertSkipped(Decision decision, IgnoreReason reason, SubscriptionState state)
    {
        var ignored = Assert.IsType<Decision.Ignored>(decision);
        Assert.Equal(reason, ignored.Reason);
        Assert.Equal(state, ignored.Next.State);
    }
}
