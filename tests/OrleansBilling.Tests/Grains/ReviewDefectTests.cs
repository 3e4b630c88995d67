using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Products;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>The defects a review of the subscription grain reproduced (issue 9 §1), each pinned by a test.</summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class ReviewDefectTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_email_that_failed_is_still_delivered_after_the_grain_was_deactivated()
    {
        var grain = await cluster.ActiveOnBasic("rev_email_reactivated");
        cluster.Emails.FailNext(1000);
        Assert.True((await grain.ChangePlan("pro", ProrationMode.CreateProrations, CommandContext.Api)).Succeeded);

        await cluster.Cluster.DeactivateAsync(grain);
        cluster.Emails.FailNext(0);
        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromMinutes(1));
                return cluster.Emails.TemplatesFor("demo/rev_email_reactivated").Contains("plan_changed");
            },
            Patience,
            "the plan-changed email after reactivation");

        Assert.Single(cluster.Emails.TemplatesFor("demo/rev_email_reactivated"), t => t == "plan_changed");
    }

    [Fact]
    public async Task An_override_sixty_days_long_is_granted_and_expires_on_time()
    {
        var grain = await cluster.ActiveOnBasic("rev_long_override");
        var expiresAt = cluster.Clock.GetUtcNow().AddDays(60);

        var granted = await grain.GrantOverride(new OverrideRequest("sso", null, true, null, "pilot", expiresAt), new CommandContext(null, null, "admin:sam"));

        Assert.True(granted.Succeeded, granted.Error?.Message);
        Assert.True((await grain.GetEntitlements()).Features["sso"]);
        await Poll.UntilAsync(
            async () =>
            {
                cluster.Clock.Advance(TimeSpan.FromDays(1));
                return (await grain.GetSubscription()).RecentHistory.Any(h => h.Name == "OverrideExpired");
            },
            Patience,
            "the override to expire after 60 days");
        Assert.False((await grain.GetEntitlements()).Features["sso"]);
    }

    [Fact]
    public async Task A_dunning_step_sixty_days_after_the_failure_is_taken_when_due()
    {
        var product = cluster.Grains.GetGrain<IProductGrain>(BillingIds.ProductKey("slowdun"));
        Assert.Empty(await product.Configure(DemoProduct.Definition with
        {
            ProductId = "slowdun",
            Dunning = new DunningPolicy(
            [
                new DunningStep(TimeSpan.Zero, DunningAction.Email, "payment_failed"),
                new DunningStep(TimeSpan.FromDays(60), DunningAction.Cancel, "subscription_canceled"),
            ]),
        }));
        var grain = cluster.Grains.GetGrain<ISubscriptionGrain>(BillingIds.SubscriptionKey("slowdun", "rev_slow"));
        Assert.True((await grain.StartCheckout(new CheckoutRequest("basic", "https://app.test/ok", "https://app.test/no", "ada@example.com"), CommandContext.Api)).Succeeded);
        var now = cluster.Clock.GetUtcNow();
        await grain.ApplyProviderEvent(new ProviderEvent("evt_rev_slow_on", ProviderEventKind.SubscriptionActivated, now, ProviderSubscriptionId: "sub_rev_slow", PlanId: "basic", PeriodStart: now, PeriodEnd: now.AddMonths(1)));
        cluster.Payments.Invoices["in_rev_slow"] = new ProviderInvoice("in_rev_slow", "sub_rev_slow", "open", 900, 0, "usd", now, null, null, null, null);

        var failed = await grain.ApplyProviderEvent(new ProviderEvent("evt_rev_slow_failed", ProviderEventKind.InvoicePaymentFailed, now, ProviderSubscriptionId: "sub_rev_slow", InvoiceId: "in_rev_slow"));

        Assert.Equal(LifecycleTransition.PaymentFailed, failed.Transition);

        // What the grain does next is not held up behind the far-off step.
        await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_rev_slow_fact", ProviderEventKind.Fact, now, ProviderSubscriptionId: "sub_rev_slow", Fact: HistoryFact.InvoiceFinalized, Detail: "invoice=in_rev_slow_3"));
        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromMinutes(1));
                return cluster.ReadModel.Store.HistoryOf("slowdun/rev_slow").Any(h => h.Name == "InvoiceFinalized");
            },
            Patience,
            "the read model to show the fact that followed the failure");
        cluster.Clock.Advance(TimeSpan.FromDays(59));
        Assert.Equal(SubscriptionState.PastDue, (await grain.GetSubscription()).State);
        await Poll.UntilAsync(
            async () =>
            {
                cluster.Clock.Advance(TimeSpan.FromHours(2));
                return (await grain.GetSubscription()).State == SubscriptionState.Canceled;
            },
            Patience,
            "the cancel step 60 days after the failure");
        await Poll.UntilAsync(
            () => cluster.Emails.TemplatesFor("slowdun/rev_slow").Contains("subscription_canceled"),
            Patience,
            "the last step's email");
        Assert.Single(cluster.Payments.CallsNamed("cancel_now"), c => c.Target == "sub_rev_slow");
    }

    [Fact]
    public async Task A_plan_change_the_provider_refused_does_not_lend_its_idempotency_key_to_another_change()
    {
        var grain = await cluster.ActiveOnBasic("rev_plan_key");
        cluster.Payments.FailNext(1, transient: false);

        var refused = await grain.ChangePlan("pro", ProrationMode.AlwaysInvoice, CommandContext.Api);
        var changed = await grain.ChangePlan("pro", ProrationMode.None, CommandContext.Api);

        Assert.Equal(CommandErrorCode.ProviderRejected, refused.Error?.Code);
        Assert.True(changed.Succeeded, changed.Error?.Message);
        var attempts = cluster.Payments.Attempts.Where(a => a.Operation == "change_price" && a.Target == "sub_rev_plan_key").ToList();
        Assert.Equal(2, attempts.Count);
        Assert.NotEqual(attempts[0].IdempotencyKey, attempts[1].IdempotencyKey);
    }

    [Fact]
    public async Task An_email_that_cannot_be_sent_for_lack_of_an_address_is_recorded_in_the_history()
    {
        var grain = cluster.Subscription("rev_no_address");
        Assert.True((await grain.StartCheckout(new CheckoutRequest("basic", "https://app.test/ok", "https://app.test/no", null), CommandContext.Api)).Succeeded);
        var now = cluster.Clock.GetUtcNow();

        await grain.ApplyProviderEvent(new ProviderEvent("evt_rev_no_address", ProviderEventKind.SubscriptionActivated, now, ProviderSubscriptionId: "sub_rev_no_address", PlanId: "basic", PeriodStart: now, PeriodEnd: now.AddMonths(1)));

        var entry = Assert.Single((await grain.GetSubscription()).RecentHistory, h => h.Name == "EmailNotSent");
        Assert.Contains("welcome", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("no email address", entry.Detail, StringComparison.Ordinal);
        Assert.Empty(cluster.Emails.TemplatesFor("demo/rev_no_address"));
    }

    [Fact]
    public async Task A_price_change_seen_while_past_due_leaves_a_history_entry()
    {
        var grain = await cluster.ActiveOnBasic("rev_pastdue_price");
        await cluster.FailPaymentAsync(grain, "rev_pastdue_price");
        var now = cluster.Clock.GetUtcNow();
        cluster.Payments.Subscriptions["sub_rev_pastdue_price"] = new ProviderSubscription(
            "sub_rev_pastdue_price", "cus_1", ProviderSubscriptionStatus.PastDue, false, "price_demo_pro", now.AddDays(-1), now.AddDays(-1).AddMonths(1), null, "in_rev_pastdue_price_2", false);

        await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_rev_pastdue_price", ProviderEventKind.SubscriptionChanged, now, ProviderSubscriptionId: "sub_rev_pastdue_price",
            SubscriptionStatus: "past_due", PriceId: "price_demo_pro", PeriodEnd: now.AddDays(-1).AddMonths(1)));

        var view = await grain.GetSubscription();
        Assert.Equal("pro", view.PlanId);
        Assert.Equal(SubscriptionState.PastDue, view.State);
        var entry = view.RecentHistory[0];
        Assert.Contains("basic", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("pro", entry.Detail, StringComparison.Ordinal);
    }
}
