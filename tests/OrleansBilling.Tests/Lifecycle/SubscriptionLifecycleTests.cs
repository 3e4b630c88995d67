using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;
using static OrleansBilling.Tests.Lifecycle.LifecycleFixture;

namespace OrleansBilling.Tests.Lifecycle;

/// <summary>What each input does, through <see cref="SubscriptionLifecycle.Decide"/>, from every state.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class SubscriptionLifecycleTests
{
    private static readonly DateTimeOffset NextMonth = Now.AddMonths(1);
    private static readonly DateTimeOffset LastMonth = Now.AddMonths(-1);

    [Theory]
    [InlineData(None)]
    [InlineData(Canceled)]
    [InlineData(Incomplete)]
    public void StartCheckout_moves_to_incomplete_from_none_canceled_or_an_abandoned_checkout(SubscriptionState from)
    {
        var decision = Decide(In(from), StartCheckout());

        AssertTakes(decision, LifecycleTransition.CheckoutStarted, Incomplete);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    public void StartCheckout_is_refused_while_a_subscription_runs(SubscriptionState from)
    {
        var decision = Decide(In(from), StartCheckout());

        AssertRefused(decision, from, LifecycleTransition.CheckoutStarted);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Canceled)]
    public void CheckoutExpired_returns_to_where_checkout_began(SubscriptionState began)
    {
        var checkingOut = After(In(began), StartCheckout(session: "cs_1"));

        var decision = Decide(checkingOut, CheckoutExpired("cs_1"));

        AssertTakes(decision, LifecycleTransition.CheckoutExpired, began);
    }

    [Fact]
    public void CheckoutExpired_after_a_second_checkout_returns_to_where_the_first_began()
    {
        var firstCheckout = After(In(Canceled), StartCheckout(id: "evt_checkout_1", session: "cs_1"));
        var secondCheckout = After(firstCheckout, StartCheckout(id: "evt_checkout_2", session: "cs_2"));

        var decision = Decide(secondCheckout, CheckoutExpired("cs_2"));

        AssertTakes(decision, LifecycleTransition.CheckoutExpired, Canceled);
    }

    [Fact]
    public void CheckoutExpired_of_an_earlier_session_is_stale()
    {
        var firstCheckout = After(In(None), StartCheckout(id: "evt_checkout_1", session: "cs_1"));
        var secondCheckout = After(firstCheckout, StartCheckout(id: "evt_checkout_2", session: "cs_2"));

        var decision = Decide(secondCheckout, CheckoutExpired("cs_1"));

        AssertIgnored(decision, IgnoreReason.Stale, Incomplete);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Trialing)]
    [InlineData(Active)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    [InlineData(Canceled)]
    public void CheckoutExpired_outside_a_checkout_is_stale(SubscriptionState from)
    {
        var decision = Decide(In(from), CheckoutExpired("cs_1"));

        AssertIgnored(decision, IgnoreReason.Stale, from);
    }

    [Fact]
    public void SubscriptionStarted_trialing_moves_a_checkout_to_trialing()
    {
        var decision = Decide(In(Incomplete), Started(Trialing));

        AssertTakes(decision, LifecycleTransition.TrialStarted, Trialing);
    }

    [Fact]
    public void SubscriptionStarted_active_moves_a_checkout_to_active()
    {
        var decision = Decide(In(Incomplete), Started(Active));

        AssertTakes(decision, LifecycleTransition.Activated, Active);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void SubscriptionStarted_on_a_canceled_subscription_is_won_back(SubscriptionState status)
    {
        var decision = Decide(In(Canceled), Started(status, subscriptionId: "sub_new"));

        AssertTakes(decision, LifecycleTransition.WonBack, status);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void SubscriptionStarted_after_a_checkout_begun_from_canceled_is_won_back(SubscriptionState status)
    {
        var checkingOut = After(In(Canceled), StartCheckout());

        var decision = Decide(checkingOut, Started(status, subscriptionId: "sub_new"));

        AssertTakes(decision, LifecycleTransition.WonBack, status);
    }

    [Fact]
    public void SubscriptionStarted_after_the_customer_canceled_and_checked_out_again_is_won_back()
    {
        var active = In(Active) with { ProviderSubscriptionId = "sub_old" };
        var canceled = After(active, End());
        var checkingOut = After(canceled, StartCheckout());

        var decision = Decide(checkingOut, Started(Active, subscriptionId: "sub_new"));

        AssertTakes(decision, LifecycleTransition.WonBack, Active);
    }

    [Fact]
    public void SubscriptionStarted_of_the_canceled_subscription_is_stale()
    {
        var canceled = In(Canceled) with { ProviderSubscriptionId = "sub_old" };

        var decision = Decide(canceled, Started(Active, subscriptionId: "sub_old"));

        AssertIgnored(decision, IgnoreReason.Stale, Canceled);
    }

    [Fact]
    public void SubscriptionStarted_of_the_canceled_subscription_during_a_new_checkout_is_stale()
    {
        var active = In(Active) with { ProviderSubscriptionId = "sub_old" };
        var canceled = After(active, End());
        var checkingOut = After(canceled, StartCheckout());

        var decision = Decide(checkingOut, Started(Active, subscriptionId: "sub_old"));

        AssertIgnored(decision, IgnoreReason.Stale, Incomplete);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void SubscriptionStarted_for_the_running_subscription_is_already_in_state(SubscriptionState state)
    {
        var running = In(state) with
        {
            ProviderSubscriptionId = "sub_1", ProviderCustomerId = "cus_1", CurrentPeriodStart = Now, CurrentPeriodEnd = NextMonth, TrialEnd = Now.AddDays(14),
        };

        var decision = Decide(running, Started(state, subscriptionId: "sub_1"));

        AssertIgnored(decision, IgnoreReason.AlreadyInState, state);
    }

    [Fact]
    public void SubscriptionStarted_already_in_state_refreshes_a_later_period_end_and_records_the_change()
    {
        var running = In(Active) with { ProviderSubscriptionId = "sub_1", ProviderCustomerId = "cus_1", CurrentPeriodStart = Now, CurrentPeriodEnd = Now, TrialEnd = Now.AddDays(14) };

        var decision = Decide(running, Started(Active, subscriptionId: "sub_1", periodEnd: NextMonth));

        AssertFact(decision, Active, "SubscriptionUpdated");
        var applied = (Decision.Applied)decision;
        Assert.Equal(NextMonth, applied.Next.CurrentPeriodEnd);
        Assert.Equal($"period_end: {Now:O} -> {NextMonth:O}", applied.Entry.Detail);
    }

    [Theory]
    [InlineData(Active)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    public void SubscriptionStarted_trialing_after_the_trial_is_stale(SubscriptionState from)
    {
        var decision = Decide(In(from), Started(Trialing));

        AssertIgnored(decision, IgnoreReason.Stale, from);
    }

    [Theory]
    [InlineData(Trialing, LifecycleTransition.TrialStarted)]
    [InlineData(Active, LifecycleTransition.Activated)]
    public void SubscriptionStarted_without_a_checkout_is_refused(SubscriptionState status, LifecycleTransition attempted)
    {
        var decision = Decide(In(None), Started(status));

        AssertRefused(decision, None, attempted);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    public void SubscriptionStarted_active_is_refused_while_another_subscription_runs(SubscriptionState from)
    {
        var running = In(from) with { ProviderSubscriptionId = "sub_1" };

        var decision = Decide(running, Started(Active, subscriptionId: "sub_2"));

        AssertRefused(decision, from, LifecycleTransition.Activated);
    }

    [Fact]
    public void InvoicePaid_completes_a_checkout()
    {
        var decision = Decide(In(Incomplete), Paid());

        AssertTakes(decision, LifecycleTransition.Activated, Active);
    }

    [Fact]
    public void InvoicePaid_completing_a_checkout_begun_from_canceled_is_won_back()
    {
        var checkingOut = After(In(Canceled), StartCheckout());

        var decision = Decide(checkingOut, Paid());

        AssertTakes(decision, LifecycleTransition.WonBack, Active);
    }

    [Fact]
    public void InvoicePaid_of_the_canceled_subscription_during_a_new_checkout_is_stale()
    {
        var active = In(Active) with { ProviderSubscriptionId = "sub_old" };
        var canceled = After(active, End());
        var checkingOut = After(canceled, StartCheckout());

        var decision = Decide(checkingOut, Paid(subscriptionId: "sub_old"));

        AssertIgnored(decision, IgnoreReason.Stale, Incomplete);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    [InlineData(PastDue)]
    public void InvoicePaid_of_another_subscription_than_the_running_one_is_stale(SubscriptionState state)
    {
        var running = In(state) with { ProviderSubscriptionId = "sub_new" };

        var decision = Decide(running, Paid(subscriptionId: "sub_old", periodEnd: NextMonth.AddMonths(1)));

        AssertIgnored(decision, IgnoreReason.Stale, state);
    }

    [Fact]
    public void InvoicePaid_with_an_amount_converts_a_trial()
    {
        var decision = Decide(In(Trialing), Paid(amount: 900));

        AssertTakes(decision, LifecycleTransition.TrialConverted, Active);
    }

    [Fact]
    public void InvoicePaid_of_zero_while_trialing_is_a_fact_not_a_trial_conversion()
    {
        var decision = Decide(In(Trialing), Paid(amount: 0));

        AssertFact(decision, Trialing, "InvoicePaid");
    }

    [Fact]
    public void InvoicePaid_for_a_new_period_renews_an_active_subscription()
    {
        var active = In(Active) with { CurrentPeriodEnd = Now };

        var decision = Decide(active, Paid(periodEnd: NextMonth));

        Assert.Equal(NextMonth, AssertTakes(decision, LifecycleTransition.Renewed, Active).Next.CurrentPeriodEnd);
    }

    [Fact]
    public void InvoicePaid_for_an_earlier_period_is_a_fact_on_an_active_subscription()
    {
        var active = In(Active) with { CurrentPeriodEnd = NextMonth };

        var decision = Decide(active, Paid(periodEnd: LastMonth));

        AssertFact(decision, Active, "InvoicePaid");
    }

    [Theory]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    public void InvoicePaid_recovers_a_failed_payment(SubscriptionState from)
    {
        var decision = Decide(In(from), Paid());

        AssertTakes(decision, LifecycleTransition.PaymentRecovered, Active);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    public void InvoicePaid_is_a_fact_where_it_moves_no_state(SubscriptionState state)
    {
        var decision = Decide(In(state), Paid());

        AssertFact(decision, state, "InvoicePaid");
    }

    [Fact]
    public void InvoicePaid_on_a_canceled_subscription_is_stale()
    {
        var decision = Decide(In(Canceled), Paid());

        AssertIgnored(decision, IgnoreReason.Stale, Canceled);
    }

    [Fact]
    public void InvoicePaid_again_for_a_paid_invoice_is_already_in_state()
    {
        var paid = After(In(Active) with { CurrentPeriodEnd = Now }, Paid(invoice: "in_1", id: "evt_paid_1", periodEnd: NextMonth));

        var decision = Decide(paid, Paid(invoice: "in_1", id: "evt_paid_2", periodEnd: NextMonth));

        AssertIgnored(decision, IgnoreReason.AlreadyInState, Active);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Incomplete)]
    [InlineData(Trialing)]
    [InlineData(Active)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    public void InvoicePaid_with_an_older_period_end_does_not_lower_the_period_end(SubscriptionState from)
    {
        var current = In(from) with { CurrentPeriodEnd = NextMonth };

        var decision = Decide(current, Paid(periodEnd: LastMonth));

        Assert.Equal(NextMonth, Assert.IsType<Decision.Applied>(decision).Next.CurrentPeriodEnd);
    }

    [Fact]
    public void PaymentFailed_moves_active_subscription_to_past_due()
    {
        var decision = Decide(In(Active), Failed("in_1"));

        Assert.Equal("in_1", AssertTakes(decision, LifecycleTransition.PaymentFailed, PastDue).Next.OpenInvoiceId);
    }

    [Fact]
    public void PaymentFailed_moves_trialing_subscription_to_past_due()
    {
        var decision = Decide(In(Trialing), Failed("in_1"));

        AssertTakes(decision, LifecycleTransition.PaymentFailed, PastDue);
    }

    [Theory]
    [InlineData(Incomplete)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    public void PaymentFailed_during_checkout_or_dunning_is_a_fact(SubscriptionState state)
    {
        var decision = Decide(In(state), Failed("in_1"));

        AssertFact(decision, state, "PaymentAttemptFailed");
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    public void PaymentFailed_is_refused_where_no_payment_is_collected(SubscriptionState from)
    {
        var decision = Decide(In(from), Failed("in_1"));

        AssertRefused(decision, from, LifecycleTransition.PaymentFailed);
    }

    [Fact]
    public void PaymentFailed_on_a_canceled_subscription_is_stale()
    {
        var decision = Decide(In(Canceled), Failed("in_1"));

        AssertIgnored(decision, IgnoreReason.Stale, Canceled);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    public void PaymentFailed_for_a_paid_invoice_is_stale_because_a_paid_invoice_is_never_unpaid_again(SubscriptionState from)
    {
        var paid = After(In(from), Paid(invoice: "in_1", periodEnd: NextMonth));

        var decision = Decide(paid, Failed("in_1"));

        AssertIgnored(decision, IgnoreReason.Stale, Active);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void PaymentFailed_of_another_subscription_than_the_running_one_is_stale(SubscriptionState state)
    {
        var running = In(state) with { ProviderSubscriptionId = "sub_new" };

        var decision = Decide(running, new LifecycleInput.InvoicePaymentFailed("evt_failed", "in_old", "sub_old"));

        AssertIgnored(decision, IgnoreReason.Stale, state);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void ScheduleCancel_moves_a_running_subscription_to_canceling(SubscriptionState from)
    {
        var decision = Decide(In(from), ScheduleCancel());

        AssertTakes(decision, LifecycleTransition.CancelScheduled, Canceling);
    }

    [Fact]
    public void ScheduleCancel_when_canceling_is_already_in_state()
    {
        var decision = Decide(In(Canceling), ScheduleCancel());

        AssertIgnored(decision, IgnoreReason.AlreadyInState, Canceling);
    }

    [Fact]
    public void ScheduleCancel_on_a_canceled_subscription_is_stale()
    {
        var decision = Decide(In(Canceled), ScheduleCancel());

        AssertIgnored(decision, IgnoreReason.Stale, Canceled);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Incomplete)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    public void ScheduleCancel_is_refused_elsewhere(SubscriptionState from)
    {
        var decision = Decide(In(from), ScheduleCancel());

        AssertRefused(decision, from, LifecycleTransition.CancelScheduled);
    }

    [Fact]
    public void UndoCancel_returns_a_canceling_subscription_to_active()
    {
        var canceling = After(In(Active), ScheduleCancel());

        var decision = Decide(canceling, UndoCancel());

        AssertTakes(decision, LifecycleTransition.CancelUndone, Active);
    }

    [Fact]
    public void UndoCancel_returns_to_trialing_while_the_trial_lasts()
    {
        var canceling = After(In(Trialing) with { TrialEnd = Now.AddDays(7) }, ScheduleCancel());

        var decision = Decide(canceling, UndoCancel());

        AssertTakes(decision, LifecycleTransition.CancelUndone, Trialing);
    }

    [Fact]
    public void UndoCancel_after_the_trial_ended_returns_to_active()
    {
        var canceling = After(In(Trialing) with { TrialEnd = Now.AddDays(-1) }, ScheduleCancel());

        var decision = Decide(canceling, UndoCancel());

        AssertTakes(decision, LifecycleTransition.CancelUndone, Active);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void UndoCancel_from_the_provider_without_a_scheduled_cancel_is_already_in_state(SubscriptionState state)
    {
        var decision = Decide(In(state), UndoCancel("stripe:evt_undo_cancel"));

        AssertIgnored(decision, IgnoreReason.AlreadyInState, state);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void UndoCancel_asked_by_a_product_without_a_scheduled_cancel_is_refused(SubscriptionState state)
    {
        var decision = Decide(In(state), UndoCancel());

        AssertRefused(decision, state, LifecycleTransition.CancelUndone);
    }

    [Fact]
    public void UndoCancel_on_a_canceled_subscription_is_stale()
    {
        var decision = Decide(In(Canceled), UndoCancel());

        AssertIgnored(decision, IgnoreReason.Stale, Canceled);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Incomplete)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    public void UndoCancel_is_refused_elsewhere(SubscriptionState from)
    {
        var decision = Decide(In(from), UndoCancel());

        AssertRefused(decision, from, LifecycleTransition.CancelUndone);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    public void EndSubscription_cancels_any_live_subscription(SubscriptionState from)
    {
        var decision = Decide(In(from), End());

        AssertTakes(decision, LifecycleTransition.Canceled, Canceled);
    }

    [Fact]
    public void EndSubscription_when_canceled_is_already_in_state()
    {
        var decision = Decide(In(Canceled), End());

        AssertIgnored(decision, IgnoreReason.AlreadyInState, Canceled);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Incomplete)]
    public void EndSubscription_is_refused_without_a_live_subscription(SubscriptionState from)
    {
        var decision = Decide(In(from), End());

        AssertRefused(decision, from, LifecycleTransition.Canceled);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void Pause_moves_a_running_subscription_to_paused(SubscriptionState from)
    {
        var decision = Decide(In(from), Pause());

        AssertTakes(decision, LifecycleTransition.Paused, Paused);
    }

    [Fact]
    public void Pause_when_paused_is_already_in_state()
    {
        var decision = Decide(In(Paused), Pause());

        AssertIgnored(decision, IgnoreReason.AlreadyInState, Paused);
    }

    [Fact]
    public void Pause_on_a_canceled_subscription_is_stale()
    {
        var decision = Decide(In(Canceled), Pause());

        AssertIgnored(decision, IgnoreReason.Stale, Canceled);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Incomplete)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Canceling)]
    public void Pause_is_refused_elsewhere(SubscriptionState from)
    {
        var decision = Decide(In(from), Pause());

        AssertRefused(decision, from, LifecycleTransition.Paused);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void ResumeCollection_returns_a_paused_subscription_to_where_it_was(SubscriptionState before)
    {
        var paused = After(In(before) with { TrialEnd = Now.AddDays(7) }, Pause());

        var decision = Decide(paused, Resume());

        AssertTakes(decision, LifecycleTransition.Resumed, before);
    }

    [Fact]
    public void ResumeCollection_after_the_trial_ended_returns_to_active()
    {
        var paused = After(In(Trialing) with { TrialEnd = Now.AddDays(-1) }, Pause());

        var decision = Decide(paused, Resume());

        AssertTakes(decision, LifecycleTransition.Resumed, Active);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void ResumeCollection_when_not_paused_is_already_in_state(SubscriptionState state)
    {
        var decision = Decide(In(state), Resume());

        AssertIgnored(decision, IgnoreReason.AlreadyInState, state);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void ResumeCollection_asked_by_a_product_when_not_paused_is_refused(SubscriptionState state)
    {
        var decision = Decide(In(state), Resume("api:demo"));

        AssertRefused(decision, state, LifecycleTransition.Resumed);
    }

    [Fact]
    public void ResumeCollection_on_a_canceled_subscription_is_stale()
    {
        var decision = Decide(In(Canceled), Resume());

        AssertIgnored(decision, IgnoreReason.Stale, Canceled);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Incomplete)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Canceling)]
    public void ResumeCollection_is_refused_elsewhere(SubscriptionState from)
    {
        var decision = Decide(In(from), Resume());

        AssertRefused(decision, from, LifecycleTransition.Resumed);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void ChangePlan_keeps_the_state_and_changes_the_plan(SubscriptionState state)
    {
        var decision = Decide(In(state), ChangePlan("pro"));

        Assert.Equal("pro", AssertTakes(decision, LifecycleTransition.PlanChanged, state).Next.PlanId);
    }

    [Theory]
    [InlineData(Trialing)]
    [InlineData(Active)]
    public void ChangePlan_to_the_current_plan_is_already_in_state(SubscriptionState state)
    {
        var decision = Decide(In(state), ChangePlan("basic"));

        AssertIgnored(decision, IgnoreReason.AlreadyInState, state);
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Incomplete)]
    [InlineData(PastDue)]
    [InlineData(Suspended)]
    [InlineData(Paused)]
    [InlineData(Canceling)]
    [InlineData(Canceled)]
    public void ChangePlan_is_refused_elsewhere(SubscriptionState from)
    {
        var decision = Decide(In(from), ChangePlan("pro"));

        AssertRefused(decision, from, LifecycleTransition.PlanChanged);
    }

    [Fact]
    public void An_input_applied_before_is_a_duplicate_and_changes_nothing()
    {
        var pastDue = After(In(Active), Failed("in_1", id: "evt_failed"));

        var decision = Decide(pastDue, Failed("in_1", id: "evt_failed"));

        Assert.Same(pastDue, AssertIgnored(decision, IgnoreReason.Duplicate, PastDue).Next);
    }

    [Fact]
    public void A_fact_told_again_under_another_id_is_a_duplicate_and_recorded_once()
    {
        var recorded = After(In(Active), Fact("evt_finalized_1", "in_1/finalized"));

        var decision = Decide(recorded, Fact("evt_finalized_2", "in_1/finalized"));

        Assert.Equal(recorded.LastSequence, AssertIgnored(decision, IgnoreReason.Duplicate, Active).Next.LastSequence);
    }

    [Fact]
    public void A_failed_attempt_told_again_under_another_id_is_a_duplicate_while_the_next_attempt_is_a_fact()
    {
        var pastDue = After(In(Active), Failed("in_1", id: "evt_failed_1") with { ChangeId = "in_1/attempt-1/failed" });

        var again = Decide(pastDue, Failed("in_1", id: "evt_failed_2") with { ChangeId = "in_1/attempt-1/failed" });
        var next = Decide(pastDue, Failed("in_1", id: "evt_failed_3") with { ChangeId = "in_1/attempt-2/failed" });

        AssertIgnored(again, IgnoreReason.Duplicate, PastDue);
        AssertFact(next, PastDue, "PaymentAttemptFailed");
    }

    [Fact]
    public void History_entries_are_numbered_one_two_three_and_name_their_transition()
    {
        var checkout = Assert.IsType<Decision.Applied>(Decide(Subscription.New("demo", "c1"), StartCheckout()));
        var started = Assert.IsType<Decision.Applied>(Decide(checkout.Next, Started(Active)));
        var failed = Assert.IsType<Decision.Applied>(Decide(started.Next, Failed("in_1")));

        HistoryEntry[] entries = [checkout.Entry, started.Entry, failed.Entry];
        Assert.Equal(new long[] { 1, 2, 3 }, entries.Select(entry => entry.Sequence));
        Assert.Equal(new[] { "CheckoutStarted", "Activated", "PaymentFailed" }, entries.Select(entry => entry.Name));
        Assert.Equal(3, failed.Next.LastSequence);
    }

    [Fact]
    public void History_entry_of_a_transition_records_where_it_left_and_where_it_arrived()
    {
        var decision = Decide(In(Active), Failed("in_1"));

        var entry = Assert.IsType<Decision.Applied>(decision).Entry;
        Assert.Equal(
            new HistoryEntry(1, Now, HistoryKind.Transition, "PaymentFailed", Active, PastDue, "stripe:evt_failed", "invoice=in_1", BasicTerms, BasicTerms, Transition: LifecycleTransition.PaymentFailed),
            entry);
    }

    private static LifecycleInput.StartCheckout StartCheckout(string id = "evt_checkout", string session = "cs_1") =>
        new(id, "api:demo", "basic", "ada@example.com", session, "cus_1");

    private static LifecycleInput.CheckoutExpired CheckoutExpired(string session) => new("evt_expired", session);

    private static LifecycleInput.SubscriptionStarted Started(
        SubscriptionState status, string subscriptionId = "sub_1", DateTimeOffset? periodEnd = null) =>
        new("evt_started", status, subscriptionId, "cus_1", "basic", Now, periodEnd ?? NextMonth, Now.AddDays(14));

    private static LifecycleInput.InvoicePaid Paid(
        string invoice = "in_1", long amount = 900, DateTimeOffset? periodEnd = null, string id = "evt_paid", string subscriptionId = "sub_1") =>
        new(id, invoice, amount, subscriptionId, Now, periodEnd ?? NextMonth);

    private static LifecycleInput.InvoicePaymentFailed Failed(string invoice, string id = "evt_failed") => new(id, invoice);

    private static LifecycleInput.RecordFact Fact(string id, string change) =>
        new(id, LifecycleInput.Provider(id), HistoryFact.InvoiceFinalized, "invoice=in_1") { ChangeId = change };

    private static LifecycleInput.ScheduleCancel ScheduleCancel() => new("evt_schedule_cancel", "api:demo");

    private static LifecycleInput.UndoCancel UndoCancel(string source = "api:demo") => new("evt_undo_cancel", source);

    private static LifecycleInput.EndSubscription End() => new("evt_end", "stripe:evt_end", "requested");

    private static LifecycleInput.Pause Pause() => new("evt_pause", "stripe:evt_pause");

    private static LifecycleInput.ResumeCollection Resume(string source = "stripe:evt_resume") => new("evt_resume", source);

    private static LifecycleInput.ChangePlan ChangePlan(string plan) => new("evt_change_plan", "api:demo", plan);

    private static Decision.Applied AssertTakes(Decision decision, LifecycleTransition transition, SubscriptionState to)
    {
        var applied = Assert.IsType<Decision.Applied>(decision);
        Assert.Equal(transition, applied.Transition);
        Assert.Equal(to, applied.Next.State);
        return applied;
    }

    private static void AssertFact(Decision decision, SubscriptionState state, string fact)
    {
        var applied = Assert.IsType<Decision.Applied>(decision);
        Assert.Null(applied.Transition);
        Assert.Equal(state, applied.Next.State);
        Assert.Equal((HistoryKind.Fact, fact, state, state), (applied.Entry.Kind, applied.Entry.Name, applied.Entry.From, applied.Entry.To));
    }

    private static Decision.Ignored AssertIgnored(Decision decision, IgnoreReason reason, SubscriptionState state)
    {
        var ignored = Assert.IsType<Decision.Ignored>(decision);
        Assert.Equal(reason, ignored.Reason);
        Assert.Equal(state, ignored.Next.State);
        return ignored;
    }

    private static void AssertRefused(Decision decision, SubscriptionState current, LifecycleTransition attempted)
    {
        var refused = Assert.IsType<Decision.Refused>(decision);
        Assert.Equal((current, attempted), (refused.Current, refused.Attempted));
        Assert.Contains(current.ToString(), refused.Explanation, StringComparison.Ordinal);
        Assert.Contains(attempted.ToString(), refused.Explanation, StringComparison.Ordinal);
    }
}
