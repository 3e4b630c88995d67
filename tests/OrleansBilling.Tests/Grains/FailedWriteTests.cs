using Orleans.Storage;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Webhooks;
using OrleansBilling.Grains.Lifecycle;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Silo.Products;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// A call whose write fails leaves nothing behind in memory: what was not stored is not answered as
/// applied when it comes again. Its own cluster, since writes are made to fail.
/// </summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class FailedWriteTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    [Fact]
    public async Task A_provider_event_whose_write_failed_is_applied_when_Stripe_delivers_it_again()
    {
        var grain = await cluster.ActiveOnBasic("write_lost_event");
        cluster.Payments.Invoices["in_write_lost"] = new ProviderInvoice("in_write_lost", "sub_write_lost_event", "open", 900, 0, "usd", cluster.Clock.GetUtcNow(), null, null, null, null);
        var failed = new ProviderEvent(
            "evt_write_lost", ProviderEventKind.InvoicePaymentFailed, cluster.Clock.GetUtcNow(), ProviderSubscriptionId: "sub_write_lost_event", InvoiceId: "in_write_lost");
        cluster.Storage.FailNextWriteOf("subscription");

        await Assert.ThrowsAnyAsync<Exception>(() => grain.ApplyProviderEvent(failed));
        var again = await grain.ApplyProviderEvent(failed);

        Assert.Equal((EventOutcomeKind.Applied, LifecycleTransition.PaymentFailed), (again.Kind, again.Transition));
        await cluster.Cluster.DeactivateAsync(grain);
        Assert.Equal(SubscriptionState.PastDue, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task A_webhook_whose_write_lost_a_race_with_another_activation_is_handed_on_again_and_applied_once()
    {
        var grain = await cluster.ActiveOnBasic("write_race");
        var webhook = StripeWebhookReader.Read(StripeEvents.Json(
            "evt_write_race", "invoice.finalized", StripeEvents.Invoice("in_write_race", "sub_write_race", DemoProduct.Id, "write_race"), cluster.Clock.GetUtcNow()))!;
        await cluster.Events.InsertAsync(webhook, cluster.Clock.GetUtcNow(), CancellationToken.None);
        cluster.Storage.FailNextWriteOf("subscription", new InconsistentStateException("Injected: another activation wrote first.", "etag-1", "etag-2"));

        var outcome = await cluster.Grains.GetGrain<IStripeEventGrain>(StripeWebhook.InboxKeyOf(webhook.EventId)).Receive(webhook);

        Assert.Equal(nameof(EventOutcomeKind.Recorded), outcome.Outcome);
        var view = await grain.GetSubscription();
        Assert.Single(view.RecentHistory, h => h.Actor == LifecycleInput.Provider(webhook.EventId));
    }

    [Fact]
    public async Task A_command_whose_write_failed_runs_again_under_the_same_key()
    {
        var grain = await cluster.ActiveOnBasic("write_lost_command");
        var key = new CommandContext("cancel-1", "fp");
        cluster.Storage.FailNextWriteOf("subscription");

        await Assert.ThrowsAnyAsync<Exception>(() => grain.Cancel(atPeriodEnd: true, key));
        var again = await grain.Cancel(atPeriodEnd: true, key);

        Assert.True(again.Succeeded);
        Assert.False(again.Replayed);
        await cluster.Cluster.DeactivateAsync(grain);
        Assert.Equal(SubscriptionState.Canceling, (await grain.GetSubscription()).State);
    }

    [Fact]
    public async Task A_checkout_whose_answer_was_not_kept_answers_its_session_again_instead_of_opening_a_second()
    {
        var grain = cluster.Subscription("write_lost_reply");
        var request = new CheckoutRequest("basic", "https://app.test/ok", "https://app.test/no", "ada@example.com");
        var key = new CommandContext("checkout-1", "fp");
        cluster.Storage.FailNextWriteOf("subscription-replies");

        await Assert.ThrowsAnyAsync<Exception>(() => grain.StartCheckout(request, key));
        var again = await grain.StartCheckout(request, key);

        Assert.True(again.Succeeded);
        Assert.Single(cluster.Payments.CallsNamed("checkout"), c => c.Target == "demo/write_lost_reply");
        Assert.StartsWith("https://checkout.test/", again.Value!.Url, StringComparison.Ordinal);
    }
}
