using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Webhooks;
using OrleansBilling.Grains.Effects;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class SubscriptionGrainTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static readonly CheckoutRequest Basic = new("basic", "https://app.test/ok", "https://app.test/cancel", "ada@example.com");

    [Fact]
    public async Task A_customer_never_seen_is_in_None_and_not_entitled()
    {
        var entitlements = await cluster.Subscription("never_seen").GetEntitlements();

        Assert.Equal(SubscriptionState.None, entitlements.State);
        Assert.False(entitlements.Entitled);
        Assert.All(entitlements.Features.Values, Assert.False);
        Assert.Empty(entitlements.Limits);
    }

    [Fact]
    public async Task StartCheckout_opens_a_session_at_the_provider_and_moves_to_Incomplete()
    {
        var grain = cluster.Subscription("checkout_1");

        var result = await grain.StartCheckout(Basic, CommandContext.Api);

        Assert.True(result.Succeeded);
        Assert.Equal(SubscriptionState.Incomplete, result.Value!.State);
        Assert.StartsWith("https://checkout.test/", result.Value.Url, StringComparison.Ordinal);
        var call = Assert.Single(cluster.Payments.CallsNamed("checkout"), c => c.Target == "demo/checkout_1");
        Assert.Equal("price_demo_basic; trial=0", call.Detail);
        Assert.Equal("demo/checkout_1/checkout-1", call.IdempotencyKey);
        var history = (await grain.GetSubscription()).RecentHistory;
        Assert.Equal(nameof(LifecycleTransition.CheckoutStarted), Assert.Single(history).Name);
    }

    [Fact]
    public async Task A_new_checkout_after_the_earlier_one_was_paid_at_the_provider_is_refused_and_opens_nothing()
    {
        var grain = cluster.Subscription("checkout_race");
        var first = await grain.StartCheckout(Basic, CommandContext.Api);
        cluster.Payments.PaidSessions[first.Value!.SessionId] = true;

        var second = await grain.StartCheckout(Basic with { PlanId = "pro" }, CommandContext.Api);

        Assert.Equal(CommandErrorCode.TransitionNotAllowed, second.Error!.Code);
        Assert.Contains("paid the checkout opened before", second.Error.Message, StringComparison.Ordinal);
        Assert.Single(cluster.Payments.CallsNamed("checkout"), c => c.Target == "demo/checkout_race");
        var view = await grain.GetSubscription();
        Assert.Equal(("basic", SubscriptionState.Incomplete), (view.PlanId, view.State));
    }

    [Fact]
    public async Task An_unknown_plan_is_refused_and_changes_nothing()
    {
        var grain = cluster.Subscription("unknown_plan");

        var result = await grain.StartCheckout(Basic with { PlanId = "platinum" }, CommandContext.Api);

        Assert.Equal(CommandErrorCode.UnknownPlan, result.Error!.Code);
        Assert.Equal(SubscriptionState.None, (await grain.GetSubscription()).State);
        Assert.DoesNotContain(cluster.Payments.Calls, c => c.Target == "demo/unknown_plan");
    }

    [Fact]
    public async Task Activation_grants_the_plans_features_and_limits()
    {
        var grain = await ActiveOnBasic("active_1");

        var entitlements = await grain.GetEntitlements();

        Assert.Equal(SubscriptionState.Active, entitlements.State);
        Assert.True(entitlements.Entitled);
        Assert.Equal("basic", entitlements.PlanId);
        Assert.False(entitlements.Features["exports"]);
        Assert.Equal(1, entitlements.Limits["seats"]);
        Assert.Equal(1000, entitlements.Limits["api_calls"]);
    }

    [Fact]
    public async Task A_provider_event_applied_twice_is_a_duplicate_the_second_time()
    {
        var grain = cluster.Subscription("dup_event");
        await grain.StartCheckout(Basic, CommandContext.Api);
        var activated = Activated("evt_dup_1");

        var first = await grain.ApplyProviderEvent(activated);
        var second = await grain.ApplyProviderEvent(activated);

        Assert.Equal(EventOutcomeKind.Applied, first.Kind);
        Assert.Equal(LifecycleTransition.Activated, first.Transition);
        Assert.Equal(EventOutcomeKind.Duplicate, second.Kind);
        Assert.Equal(2, (await grain.GetSubscription()).RecentHistory.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_webhook_whose_handling_was_lost_mid_way_is_applied_once_however_many_events_came_between(bool historyPublished)
    {
        // The inbox stored two events and handed them on; the silo was lost before either outcome was recorded. The
        // first had been applied, the second not. Then more events came than the subscription remembers by id. The
        // history of it all is published, or still waits in the subscription's outbox (the read model is down).
        var customer = historyPublished ? "lost_outcome_published" : "lost_outcome_waiting";
        var grain = await cluster.ActiveOnBasic(customer);
        var applied = Webhook("evt_lost_applied", "in_lost_1");
        var notApplied = Webhook("evt_lost_not_applied", "in_lost_2");
        foreach (var webhook in new[] { applied, notApplied })
        {
            await cluster.Events.InsertAsync(webhook, cluster.Clock.GetUtcNow(), CancellationToken.None);
        }

        var outcomes = new List<string>();
        if (!historyPublished)
        {
            cluster.Effects.Fail<Effect.PublishReadModel>();
        }

        try
        {
            Assert.Equal(EventOutcomeKind.Recorded, (await grain.ApplyProviderEvent(Routed(applied))).Kind);
            for (var i = 0; i <= Subscription.RememberedIds; i++)
            {
                Assert.Equal(EventOutcomeKind.Recorded, (await grain.ApplyProviderEvent(Routed(Webhook($"evt_lost_between_{i}", $"in_lost_between_{i}")))).Kind);
            }

            // Stripe delivers both again.
            foreach (var webhook in new[] { applied, notApplied })
            {
                outcomes.Add((await cluster.Grains.GetGrain<IStripeEventGrain>(StripeWebhook.InboxKeyOf(webhook.EventId)).Receive(webhook)).Outcome);
            }
        }
        finally
        {
            cluster.Effects.Heal<Effect.PublishReadModel>();
        }

        Assert.Equal([nameof(EventOutcomeKind.Duplicate), nameof(EventOutcomeKind.Recorded)], outcomes);
        var key = BillingIds.SubscriptionKey(DemoProduct.Id, customer);
        Assert.Equal(historyPublished, cluster.ReadModel.Store.HistoryOf(key).Any(h => h.Actor == LifecycleInput.Provider(applied.EventId)));

        // Once published, each is in the history once.
        cluster.Clock.Advance(EffectOutbox.LongestPause);
        await grain.CatchUp();
        var history = cluster.ReadModel.Store.HistoryOf(key);
        Assert.Single(history, h => h.Actor == LifecycleInput.Provider(applied.EventId));
        Assert.Single(history, h => h.Actor == LifecycleInput.Provider(notApplied.EventId));

        StripeWebhook Webhook(string id, string invoice) => StripeWebhookReader.Read(StripeEvents.Json(
            $"{id}_{customer}", "invoice.finalized", StripeEvents.Invoice($"{invoice}_{customer}", $"sub_{customer}", DemoProduct.Id, customer), cluster.Clock.GetUtcNow()))!;

        static ProviderEvent Routed(StripeWebhook webhook) =>
            Assert.IsType<WebhookRoute.Apply>(StripeEventHandlers.Route(Stripe.EventUtility.ParseEvent(webhook.Payload, throwOnApiVersionMismatch: false))).Event;
    }

    [Fact]
    public async Task An_event_the_table_does_not_allow_is_refused_and_changes_nothing()
    {
        var grain = cluster.Subscription("not_allowed_event");
        await grain.StartCheckout(Basic, CommandContext.Api);

        var outcome = await grain.ApplyProviderEvent(new ProviderEvent("evt_na_1", ProviderEventKind.SubscriptionResumed, cluster.Clock.GetUtcNow()));

        Assert.Equal(EventOutcomeKind.NotAllowed, outcome.Kind);
        Assert.Equal(LifecycleTransition.Resumed, outcome.Transition);
        var view = await grain.GetSubscription();
        Assert.Equal(SubscriptionState.Incomplete, view.State);
        Assert.Equal(nameof(LifecycleTransition.CheckoutStarted), Assert.Single(view.RecentHistory).Name);
    }

    [Fact]
    public async Task An_event_about_a_customer_who_never_checked_out_is_an_orphan_and_changes_nothing()
    {
        var grain = cluster.Subscription("never_checked_out");

        var outcome = await grain.ApplyProviderEvent(Activated("evt_orphan_grain"));

        Assert.Equal(EventOutcomeKind.Orphan, outcome.Kind);
        Assert.Empty((await grain.GetSubscription()).RecentHistory);
    }

    [Fact]
    public async Task A_refused_event_is_reconciled_with_the_providers_current_subscription()
    {
        var grain = cluster.Subscription("doubt_1");
        await grain.StartCheckout(Basic, CommandContext.Api);
        cluster.Payments.Subscriptions["sub_doubt_1"] = new ProviderSubscription(
            "sub_doubt_1", "cus_doubt_1", ProviderSubscriptionStatus.Active, false, "price_demo_basic", null, null, null, null, false);

        // Pausing a checkout in progress is not in the table; asking Stripe shows the subscription is active.
        var outcome = await grain.ApplyProviderEvent(new ProviderEvent("evt_doubt_1", ProviderEventKind.SubscriptionPaused, cluster.Clock.GetUtcNow(), ProviderSubscriptionId: "sub_doubt_1"));

        Assert.Equal(EventOutcomeKind.Applied, outcome.Kind);
        Assert.Equal(LifecycleTransition.Activated, outcome.Transition);
        Assert.Equal(SubscriptionState.Active, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task A_subscription_snapshot_that_shows_what_is_known_changes_nothing_without_asking_the_provider()
    {
        var grain = await ActiveOnBasic("snapshot_same");
        var known = await grain.GetSubscription();

        var outcome = await grain.ApplyProviderEvent(Changed("evt_snapshot_same", "sub_snapshot_same", known.CurrentPeriodEnd, cancelAtPeriodEnd: false));

        Assert.Equal(EventOutcomeKind.NoChange, outcome.Kind);
        Assert.DoesNotContain(cluster.Payments.CallsNamed("get_subscription"), c => c.Target == "sub_snapshot_same");
    }

    [Fact]
    public async Task A_subscription_snapshot_that_differs_is_checked_against_the_provider_before_anything_moves()
    {
        var grain = await ActiveOnBasic("snapshot_differs");
        var known = await grain.GetSubscription();
        cluster.Payments.Subscriptions["sub_snapshot_differs"] = new ProviderSubscription(
            "sub_snapshot_differs", null, ProviderSubscriptionStatus.Active, CancelAtPeriodEnd: false, "price_demo_basic", known.CurrentPeriodStart, known.CurrentPeriodEnd, null, null, false);

        // The snapshot says "cancel at period end", but Stripe's current state says otherwise: a late event.
        var outcome = await grain.ApplyProviderEvent(Changed("evt_snapshot_differs", "sub_snapshot_differs", known.CurrentPeriodEnd, cancelAtPeriodEnd: true));

        Assert.Equal(EventOutcomeKind.NoChange, outcome.Kind);
        Assert.Single(cluster.Payments.CallsNamed("get_subscription"), c => c.Target == "sub_snapshot_differs");
        Assert.Equal(SubscriptionState.Active, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task Events_created_before_a_fetch_are_answered_from_it_until_something_changes_here()
    {
        var grain = await ActiveOnBasic("coalesce");
        var known = await grain.GetSubscription();
        cluster.Payments.Subscriptions["sub_coalesce"] = new ProviderSubscription(
            "sub_coalesce", null, ProviderSubscriptionStatus.Active, CancelAtPeriodEnd: true, "price_demo_basic", known.CurrentPeriodStart, known.CurrentPeriodEnd, null, null, false);
        var created = cluster.Clock.GetUtcNow();
        cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        int Fetches() => cluster.Payments.CallsNamed("get_subscription").Count(c => c.Target == "sub_coalesce");

        // Two events of one burst, both created before the fetch the first one makes: the fetch shows what both did.
        var first = await grain.ApplyProviderEvent(Changed("evt_coalesce_1", "sub_coalesce", known.CurrentPeriodEnd, cancelAtPeriodEnd: true) with { OccurredAt = created });
        var older = await grain.ApplyProviderEvent(Changed("evt_coalesce_2", "sub_coalesce", known.CurrentPeriodEnd, cancelAtPeriodEnd: false) with { OccurredAt = created });

        Assert.Equal((EventOutcomeKind.Applied, EventOutcomeKind.NoChange), (first.Kind, older.Kind));
        Assert.Equal(1, Fetches());
        Assert.Equal(SubscriptionState.Canceling, (await grain.GetSubscription()).State);

        // An event created less than the margin before the fetch may not be in it.
        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        await grain.ApplyProviderEvent(Changed("evt_coalesce_3", "sub_coalesce", known.CurrentPeriodEnd, cancelAtPeriodEnd: false) with { OccurredAt = cluster.Clock.GetUtcNow().AddSeconds(-2) });
        Assert.Equal(2, Fetches());

        // A command changes the subscription at the provider: what was fetched before no longer counts.
        cluster.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await grain.Resume(CommandContext.Api)).Succeeded);
        cluster.Payments.Subscriptions["sub_coalesce"] = cluster.Payments.Subscriptions["sub_coalesce"] with { CancelAtPeriodEnd = false };
        var afterCommand = await grain.ApplyProviderEvent(Changed("evt_coalesce_4", "sub_coalesce", known.CurrentPeriodEnd, cancelAtPeriodEnd: true) with { OccurredAt = created });
        Assert.Equal(3, Fetches());
        Assert.Equal(EventOutcomeKind.NoChange, afterCommand.Kind);
        Assert.Equal(SubscriptionState.Active, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task An_address_in_a_reused_fetch_counts_from_when_it_was_fetched_so_a_later_change_still_wins()
    {
        var grain = await ActiveOnBasic("coalesce_email");
        var known = await grain.GetSubscription();
        cluster.Payments.Subscriptions["sub_coalesce_email"] = new ProviderSubscription(
            "sub_coalesce_email", null, ProviderSubscriptionStatus.Active, CancelAtPeriodEnd: true, "price_demo_basic", known.CurrentPeriodStart, known.CurrentPeriodEnd, null, null, false,
            CustomerEmail: "first@example.com");
        var created = cluster.Clock.GetUtcNow();
        cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        await grain.ApplyProviderEvent(Changed("evt_coalesce_email_1", "sub_coalesce_email", known.CurrentPeriodEnd, cancelAtPeriodEnd: true) with { OccurredAt = created });

        // The customer changes the address at Stripe; the event of the change comes after another one the fetch answers.
        cluster.Clock.Advance(TimeSpan.FromSeconds(5));
        var changedAt = cluster.Clock.GetUtcNow();
        cluster.Clock.Advance(TimeSpan.FromSeconds(5));
        await grain.ApplyProviderEvent(Changed("evt_coalesce_email_2", "sub_coalesce_email", known.CurrentPeriodEnd, cancelAtPeriodEnd: false) with { OccurredAt = created });
        await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_coalesce_email_3", ProviderEventKind.CustomerUpdated, changedAt, ProviderSubscriptionId: "sub_coalesce_email", Email: "second@example.com"));

        Assert.Single(cluster.Payments.CallsNamed("get_subscription"), c => c.Target == "sub_coalesce_email");
        Assert.Equal("second@example.com", (await grain.GetSubscription()).Email);
    }

    [Fact]
    public async Task A_failed_payment_for_an_invoice_the_provider_shows_paid_does_not_start_dunning()
    {
        var grain = await ActiveOnBasic("late_failure");
        cluster.Payments.Invoices["in_late_failure"] = new ProviderInvoice(
            "in_late_failure", "sub_late_failure", "paid", 900, 900, "usd", cluster.Clock.GetUtcNow(), null, null, null, "pi_late");

        var outcome = await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_late_failure", ProviderEventKind.InvoicePaymentFailed, cluster.Clock.GetUtcNow(), ProviderSubscriptionId: "sub_late_failure", InvoiceId: "in_late_failure"));

        Assert.NotEqual(LifecycleTransition.PaymentFailed, outcome.Transition);
        Assert.Equal(SubscriptionState.Active, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task Cancel_at_period_end_asks_the_provider_then_moves_to_Canceling_and_resume_undoes_it()
    {
        var grain = await ActiveOnBasic("cancel_1");

        var canceled = await grain.Cancel(atPeriodEnd: true, CommandContext.Api);
        var resumed = await grain.Resume(CommandContext.Api);

        Assert.Equal(SubscriptionState.Canceling, canceled.Value!.State);
        Assert.True(canceled.Value.CancelAtPeriodEnd);
        Assert.Equal(SubscriptionState.Active, resumed.Value!.State);
        Assert.Single(cluster.Payments.CallsNamed("cancel_at_period_end"), c => c.Target == "sub_cancel_1");
        Assert.Single(cluster.Payments.CallsNamed("undo_cancel"), c => c.Target == "sub_cancel_1");
    }

    [Fact]
    public async Task Cancel_of_a_customer_without_subscription_is_refused_naming_state_and_transition()
    {
        var result = await cluster.Subscription("cancel_none").Cancel(atPeriodEnd: false, CommandContext.Api);

        Assert.Equal(CommandErrorCode.TransitionNotAllowed, result.Error!.Code);
        Assert.Equal(SubscriptionState.None, result.Error.CurrentState);
        Assert.Equal(LifecycleTransition.Canceled, result.Error.Transition);
    }

    [Fact]
    public async Task ChangePlan_moves_to_the_new_price_with_the_chosen_proration()
    {
        var grain = await ActiveOnBasic("plan_1");

        var result = await grain.ChangePlan("pro", ProrationMode.AlwaysInvoice, CommandContext.Api);

        Assert.Equal("pro", result.Value!.PlanId);
        Assert.Equal(SubscriptionState.Active, result.Value.State);
        Assert.Equal("price_demo_pro:AlwaysInvoice", Assert.Single(cluster.Payments.CallsNamed("change_price"), c => c.Target == "sub_plan_1").Detail);
        Assert.True((await grain.GetEntitlements()).Features["exports"]);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_answer_without_a_second_change()
    {
        var grain = await ActiveOnBasic("idem_1");
        var context = new CommandContext("key-1", "fingerprint-a");

        var first = await grain.Cancel(atPeriodEnd: true, context);
        var again = await grain.Cancel(atPeriodEnd: true, context);

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.Value!.Version, again.Value!.Version);
        Assert.Single(cluster.Payments.CallsNamed("cancel_at_period_end"), c => c.Target == "sub_idem_1");
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_request_is_refused()
    {
        var grain = await ActiveOnBasic("idem_2");
        await grain.Cancel(atPeriodEnd: true, new CommandContext("key-2", "fingerprint-a"));

        var other = await grain.Cancel(atPeriodEnd: false, new CommandContext("key-2", "fingerprint-b"));

        Assert.Equal(CommandErrorCode.IdempotencyKeyReused, other.Error!.Code);
        Assert.Equal(SubscriptionState.Canceling, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task A_provider_outage_changes_nothing_and_the_same_key_may_try_again()
    {
        var grain = await ActiveOnBasic("outage_1");
        var context = new CommandContext("key-3", "fingerprint-a");
        cluster.Payments.FailNext(1);

        var failed = await grain.Cancel(atPeriodEnd: true, context);
        var retried = await grain.Cancel(atPeriodEnd: true, context);

        Assert.Equal(CommandErrorCode.ProviderUnavailable, failed.Error!.Code);
        Assert.False(retried.Replayed);
        Assert.Equal(SubscriptionState.Canceling, retried.Value!.State);
    }

    [Fact]
    public async Task Every_transition_reaches_the_read_model_with_its_history()
    {
        var grain = await ActiveOnBasic("read_model_1");

        await Poll.UntilAsync(() => cluster.ReadModel.Store.Find("demo/read_model_1")?.State == SubscriptionState.Active, TimeSpan.FromSeconds(10), "the active row");

        Assert.Equal(
            [nameof(LifecycleTransition.CheckoutStarted), nameof(LifecycleTransition.Activated)],
            cluster.ReadModel.Store.HistoryOf("demo/read_model_1").Select(h => h.Name));
        Assert.Equal(SubscriptionState.Active, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task A_failed_publish_stays_pending_and_is_retried_until_it_succeeds()
    {
        var grain = cluster.Subscription("read_model_2");
        cluster.ReadModel.FailNext(2);

        await grain.StartCheckout(Basic, CommandContext.Api);
        Assert.Null(cluster.ReadModel.Store.Find("demo/read_model_2"));

        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(5));
                return cluster.ReadModel.Store.Find("demo/read_model_2")?.State == SubscriptionState.Incomplete;
            },
            TimeSpan.FromSeconds(10),
            "the retried publish");
        Assert.Equal(nameof(LifecycleTransition.CheckoutStarted), Assert.Single(cluster.ReadModel.Store.HistoryOf("demo/read_model_2")).Name);
    }

    [Fact]
    public async Task The_durable_retry_reminder_is_removed_once_the_effects_have_run()
    {
        var grain = cluster.Subscription("read_model_4");
        var reminders = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        cluster.ReadModel.FailNext(2);

        await grain.StartCheckout(Basic, CommandContext.Api);
        Assert.Single((await reminders.ReadRows(grain.GetGrainId(), TestContext.Current.CancellationToken)).Reminders, r => r.ReminderName == "wake");

        await Poll.UntilAsync(
            async () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(5));
                return (await reminders.ReadRows(grain.GetGrainId(), TestContext.Current.CancellationToken)).Reminders.Count == 0;
            },
            TimeSpan.FromSeconds(10),
            "the wake-up reminder to go");
        Assert.NotNull(cluster.ReadModel.Store.Find("demo/read_model_4"));
    }

    [Fact]
    public async Task Pending_effects_run_again_when_the_grain_is_activated_again()
    {
        var grain = cluster.Subscription("read_model_3");
        cluster.ReadModel.FailNext(1);
        await grain.StartCheckout(Basic, CommandContext.Api);

        await cluster.Cluster.DeactivateAsync(grain);
        await grain.GetSubscription();

        await Poll.UntilAsync(() => cluster.ReadModel.Store.Find("demo/read_model_3") is not null, TimeSpan.FromSeconds(10), "the publish after reactivation");
    }

    [Fact]
    public async Task State_survives_deactivation()
    {
        var grain = await ActiveOnBasic("survives_1");

        await cluster.Cluster.DeactivateAsync(grain);

        var view = await grain.GetSubscription();
        Assert.Equal(SubscriptionState.Active, view.State);
        Assert.Equal("basic", view.PlanId);
        Assert.Equal(2, view.RecentHistory.Count);
    }

    private async Task<ISubscriptionGrain> ActiveOnBasic(string customerId)
    {
        var grain = cluster.Subscription(customerId);
        Assert.True((await grain.StartCheckout(Basic, CommandContext.Api)).Succeeded);
        var outcome = await grain.ApplyProviderEvent(Activated($"evt_{customerId}_activated") with { ProviderSubscriptionId = $"sub_{customerId}" });
        Assert.Equal(EventOutcomeKind.Applied, outcome.Kind);
        return grain;
    }

    private ProviderEvent Changed(string eventId, string subscriptionId, DateTimeOffset? periodEnd, bool cancelAtPeriodEnd) => new(
        eventId,
        ProviderEventKind.SubscriptionChanged,
        cluster.Clock.GetUtcNow(),
        ProviderSubscriptionId: subscriptionId,
        PeriodEnd: periodEnd,
        SubscriptionStatus: "active",
        CancelAtPeriodEnd: cancelAtPeriodEnd,
        PriceId: "price_demo_basic");

    private ProviderEvent Activated(string eventId) => new(
        eventId,
        ProviderEventKind.SubscriptionActivated,
        cluster.Clock.GetUtcNow(),
        ProviderSubscriptionId: "sub_" + eventId,
        PlanId: "basic",
        PeriodStart: cluster.Clock.GetUtcNow(),
        PeriodEnd: cluster.Clock.GetUtcNow().AddMonths(1));
}
