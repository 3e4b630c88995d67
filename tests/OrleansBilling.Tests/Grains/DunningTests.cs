using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// The default dunning policy under a fake clock: P0D email, P3D reminder with a payment retry,
/// P7D suspension, P14D hard cancel. Each class gets its own cluster and clock.
/// </summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class DunningTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static readonly CheckoutRequest Basic = new("basic", "https://app.test/ok", "https://app.test/cancel", "ada@example.com");

    [Fact]
    public async Task A_failed_payment_opens_an_episode_and_sends_the_first_email_at_once()
    {
        var grain = await PastDue("dun_open");

        Assert.Equal(SubscriptionState.PastDue, (await grain.GetSubscription()).State);
        Assert.True((await grain.GetEntitlements()).Entitled);
        Assert.Equal(["welcome", "payment_failed"], cluster.Emails.TemplatesFor("demo/dun_open"));
    }

    [Fact]
    public async Task The_whole_policy_runs_in_order_once_each_as_reminders_fire()
    {
        var grain = await PastDue("dun_full");

        // The step's effects run one after another: wait for the last of them, the payment retry.
        await AdvanceUntil(TimeSpan.FromDays(3), () => cluster.Payments.CallsNamed("pay_invoice").Any(c => c.Target == "in_dun_full_2"));
        Assert.Contains("payment_reminder", cluster.Emails.TemplatesFor("demo/dun_full"));
        Assert.Single(cluster.Payments.CallsNamed("pay_invoice"), c => c.Target == "in_dun_full_2");

        await AdvanceUntil(TimeSpan.FromDays(4), () => cluster.Emails.TemplatesFor("demo/dun_full").Contains("access_suspended"));
        Assert.Equal(SubscriptionState.Suspended, (await grain.GetSubscription()).State);
        Assert.False((await grain.GetEntitlements()).Entitled);

        await AdvanceUntil(TimeSpan.FromDays(7), () => cluster.Payments.CallsNamed("cancel_now").Any(c => c.Target == "sub_dun_full"));
        var view = await grain.GetSubscription();
        Assert.Equal(SubscriptionState.Canceled, view.State);
        Assert.Equal(
            ["welcome", "payment_failed", "payment_reminder", "access_suspended", "subscription_canceled"],
            cluster.Emails.TemplatesFor("demo/dun_full"));
        Assert.Single(cluster.Payments.CallsNamed("cancel_now"), c => c.Target == "sub_dun_full");
        Assert.Equal(
            [nameof(LifecycleTransition.DunningExhausted), nameof(LifecycleTransition.AccessSuspended), nameof(LifecycleTransition.DunningStepTaken), nameof(LifecycleTransition.DunningStepTaken), nameof(LifecycleTransition.PaymentFailed)],
            view.RecentHistory.Take(5).Select(h => h.Name));
    }

    [Fact]
    public async Task Duplicate_and_late_ticks_take_no_step_twice()
    {
        var grain = await PastDue("dun_dup");
        cluster.Clock.Advance(TimeSpan.FromDays(3));
        var remindable = grain.AsReference<IRemindable>();

        await remindable.ReceiveReminder("dunning", new TickStatus(cluster.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(1), cluster.Clock.GetUtcNow().UtcDateTime));
        await remindable.ReceiveReminder("dunning", new TickStatus(cluster.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(1), cluster.Clock.GetUtcNow().UtcDateTime));

        Assert.Equal(["welcome", "payment_failed", "payment_reminder"], cluster.Emails.TemplatesFor("demo/dun_dup"));
        Assert.Single(cluster.Payments.CallsNamed("pay_invoice"), c => c.Target == "in_dun_dup_2");
    }

    [Fact]
    public async Task A_missed_tick_is_made_good_by_the_next_one_taking_every_due_step_in_order()
    {
        var grain = await PastDue("dun_missed");
        cluster.Clock.Advance(TimeSpan.FromDays(8));

        await grain.AsReference<IRemindable>().ReceiveReminder("dunning", new TickStatus(cluster.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(1), cluster.Clock.GetUtcNow().UtcDateTime));

        Assert.Equal(["welcome", "payment_failed", "payment_reminder", "access_suspended"], cluster.Emails.TemplatesFor("demo/dun_missed"));
        Assert.Equal(SubscriptionState.Suspended, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task Paying_mid_episode_recovers_stops_the_episode_and_sends_the_recovery_email()
    {
        var grain = await PastDue("dun_recover");

        var outcome = await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_dun_recover_paid", ProviderEventKind.InvoicePaid, cluster.Clock.GetUtcNow(), ProviderSubscriptionId: "sub_dun_recover", InvoiceId: "in_dun_recover_2", AmountMinor: 900));
        cluster.Clock.Advance(TimeSpan.FromDays(15));
        await grain.AsReference<IRemindable>().ReceiveReminder("dunning", new TickStatus(cluster.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(1), cluster.Clock.GetUtcNow().UtcDateTime));

        Assert.Equal(LifecycleTransition.PaymentRecovered, outcome.Transition);
        Assert.Equal(SubscriptionState.Active, (await grain.GetSubscription()).State);
        Assert.Equal(["welcome", "payment_failed", "payment_recovered"], cluster.Emails.TemplatesFor("demo/dun_recover"));
        var reminders = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        await Poll.UntilAsync(
            async () => !(await reminders.ReadRows(grain.GetGrainId(), TestContext.Current.CancellationToken)).Reminders.Any(r => r.ReminderName == "dunning"),
            TimeSpan.FromSeconds(10),
            "the dunning reminder to be removed");
    }

    [Fact]
    public async Task An_email_outage_is_retried_and_the_email_still_goes_out_once()
    {
        var grain = await ActiveOnBasic("dun_outage");
        cluster.Emails.FailNext(2);

        await cluster.FailPaymentAsync(grain, "dun_outage");
        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(5));
                return cluster.Emails.TemplatesFor("demo/dun_outage").Contains("payment_failed");
            },
            TimeSpan.FromSeconds(10),
            "the payment-failed email after the outage");

        Assert.Single(cluster.Emails.TemplatesFor("demo/dun_outage"), t => t == "payment_failed");
    }

    [Fact]
    public async Task A_customer_canceled_by_dunning_who_subscribes_again_is_won_back_with_its_email()
    {
        var grain = await PastDue("dun_winback");
        cluster.Clock.Advance(TimeSpan.FromDays(15));
        await grain.AsReference<IRemindable>().ReceiveReminder("dunning", new TickStatus(cluster.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(1), cluster.Clock.GetUtcNow().UtcDateTime));
        Assert.Equal(SubscriptionState.Canceled, (await grain.GetSubscription()).State);

        await grain.StartCheckout(Basic, CommandContext.Api);
        var outcome = await grain.ApplyProviderEvent(Activated("evt_dun_winback_again", "sub_dun_winback_2"));

        Assert.Equal(LifecycleTransition.WonBack, outcome.Transition);
        Assert.Equal("win_back", cluster.Emails.TemplatesFor("demo/dun_winback")[^1]);
    }

    /// <summary>
    /// Moves the clock by <paramref name="by"/>, then on in ten-minute steps (as time passes) until the
    /// condition holds: a reminder whose due time passed before its timer existed fires on its next
    /// period, as Orleans skips missed ticks.
    /// </summary>
    private async Task AdvanceUntil(TimeSpan by, Func<bool> condition)
    {
        cluster.Clock.Advance(by);
        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromMinutes(10));
                return condition();
            },
            TimeSpan.FromSeconds(20),
            $"the step due after {by.TotalDays} days");
    }

    private async Task<ISubscriptionGrain> PastDue(string customerId)
    {
        var grain = await ActiveOnBasic(customerId);
        await cluster.FailPaymentAsync(grain, customerId);
        return grain;
    }

    private async Task<ISubscriptionGrain> ActiveOnBasic(string customerId)
    {
        var grain = cluster.Subscription(customerId);
        Assert.True((await grain.StartCheckout(Basic, CommandContext.Api)).Succeeded);
        Assert.Equal(EventOutcomeKind.Applied, (await grain.ApplyProviderEvent(Activated($"evt_{customerId}_activated", $"sub_{customerId}"))).Kind);
        return grain;
    }

    private ProviderEvent Activated(string eventId, string subscriptionId) => new(
        eventId, ProviderEventKind.SubscriptionActivated, cluster.Clock.GetUtcNow(),
        ProviderSubscriptionId: subscriptionId, PlanId: "basic", PeriodStart: cluster.Clock.GetUtcNow(), PeriodEnd: cluster.Clock.GetUtcNow().AddMonths(1));
}
