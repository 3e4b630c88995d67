using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;
using static OrleansBilling.Tests.Lifecycle.LifecycleFixture;

namespace OrleansBilling.Tests.Lifecycle;

/// <summary>Dunning as pure decisions: episodes open and close with the lifecycle, steps run once, in order.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class DunningStepTests
{
    [Fact]
    public void A_failed_payment_opens_an_episode_under_the_products_policy_due_at_once()
    {
        var decision = Assert.IsType<Decision.Applied>(Decide(In(Active) with { ProviderSubscriptionId = "sub_1" }, new LifecycleInput.InvoicePaymentFailed("evt_f", "in_2")));

        var episode = Assert.IsType<DunningEpisode>(decision.Next.Dunning);
        Assert.Equal(1, episode.Number);
        Assert.Equal("in_2", episode.InvoiceId);
        Assert.Equal(DunningPolicy.Default, episode.Policy);
        Assert.Equal(Now, episode.NextDueAt);
    }

    [Fact]
    public void Each_step_is_taken_once_and_in_order()
    {
        var pastDue = AfterFailure();

        var first = Assert.IsType<Decision.Applied>(Decide(pastDue, LifecycleInput.TakeDunningStep.For(1, 0)));
        var again = Decide(first.Next, LifecycleInput.TakeDunningStep.For(1, 0));
        var skipAhead = Decide(first.Next, LifecycleInput.TakeDunningStep.For(1, 2));

        Assert.Equal(LifecycleTransition.DunningStepTaken, first.Transition);
        Assert.Contains(first.Effects, e => e is Effect.SendEmail { Template: "payment_failed", Key: "demo/c1/dunning:1:0" });
        Assert.IsType<Decision.Ignored>(again);
        Assert.IsType<Decision.Ignored>(skipAhead);
    }

    [Fact]
    public void A_step_not_yet_due_is_not_taken()
    {
        var afterFirst = After(AfterFailure(), LifecycleInput.TakeDunningStep.For(1, 0));

        Assert.IsType<Decision.Ignored>(Decide(afterFirst, LifecycleInput.TakeDunningStep.For(1, 1)));
    }

    [Fact]
    public void The_suspend_step_revokes_access_and_the_cancel_step_exhausts_the_policy()
    {
        var episodeStart = Now.AddDays(-14);
        var suspendedDue = AfterFailure() with { Dunning = new DunningEpisode(1, episodeStart, "in_2", DunningPolicy.Default, StepsTaken: 2) };

        var suspended = Assert.IsType<Decision.Applied>(Decide(suspendedDue, LifecycleInput.TakeDunningStep.For(1, 2)));
        var canceled = Assert.IsType<Decision.Applied>(Decide(suspended.Next, LifecycleInput.TakeDunningStep.For(1, 3)));

        Assert.Equal(LifecycleTransition.AccessSuspended, suspended.Transition);
        Assert.Equal(Suspended, suspended.Next.State);
        Assert.Equal(LifecycleTransition.DunningExhausted, canceled.Transition);
        Assert.Equal(Canceled, canceled.Next.State);
        Assert.Equal("dunning_exhausted", canceled.Next.CancelReason);
        Assert.Null(canceled.Next.Dunning);
        Assert.Contains(canceled.Effects, e => e is Effect.CancelAtProvider { ProviderSubscriptionId: "sub_1" });
    }

    [Fact]
    public void Recovery_closes_the_episode_and_a_tick_for_it_afterwards_is_stale()
    {
        var recovered = Assert.IsType<Decision.Applied>(Decide(AfterFailure(), new LifecycleInput.InvoicePaid("evt_p", "in_2", 900, "sub_1", Now, Now.AddMonths(1))));

        Assert.Equal(LifecycleTransition.PaymentRecovered, recovered.Transition);
        Assert.Null(recovered.Next.Dunning);
        Assert.Contains(recovered.Effects, e => e is Effect.SendEmail { Template: "payment_recovered", Key: "demo/c1/recovered:1" });
        var stale = Assert.IsType<Decision.Ignored>(Decide(recovered.Next, LifecycleInput.TakeDunningStep.For(1, 1)));
        Assert.Equal(IgnoreReason.Stale, stale.Reason);
    }

    [Fact]
    public void A_running_episode_keeps_the_policy_it_started_with()
    {
        var shortPolicy = new DunningPolicy([new DunningStep(TimeSpan.Zero, DunningAction.Cancel, "subscription_canceled")]);
        var pastDue = AfterFailure();

        var decision = SubscriptionLifecycle.Decide(pastDue, LifecycleInput.TakeDunningStep.For(1, 0), Product with { Dunning = shortPolicy }, Now);

        Assert.Equal(LifecycleTransition.DunningStepTaken, Assert.IsType<Decision.Applied>(decision).Transition);
    }

    private static Subscription AfterFailure() =>
        After(In(Active) with { ProviderSubscriptionId = "sub_1" }, new LifecycleInput.InvoicePaymentFailed("evt_f", "in_2"));
}
