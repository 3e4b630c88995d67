using OrleansBilling.Grains.Stripe;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.Tests.Webhooks;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Sandbox;

/// <summary>
/// Every <c>customer.subscription.*</c> event the sandbox sends that <see cref="SubscriptionChangedHandler"/> routes over a subscription's whole life (a trial, metered items,
/// a coupon, collection paused until a date and unpaused, a plan change, cancel at period end, renewals, the
/// end) is read by <see cref="SubscriptionEventReader"/> itself, not left to Stripe.net, and routed exactly as Stripe.net
/// routes it (issue 16).
/// </summary>
[Trait(TestKind.Trait, TestKind.Http)]
public sealed class SubscriptionEventReaderSandboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_subscription_event_of_a_whole_life_is_read_without_Stripe_net_and_routed_as_it_routes_it()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var result = await sandbox.SubscribeAsync(trialDays: 7, metered: [SandboxHost.BasicCalls]);
        var id = result.SubscriptionId!;
        var subscriptions = sandbox.Stripe.V1.Subscriptions;
        var coupon = await sandbox.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 10, Duration = "forever" }, cancellationToken: Ct);
        await subscriptions.UpdateAsync(id, new SubscriptionUpdateOptions { Discounts = [new SubscriptionDiscountOptions { Coupon = coupon.Id }] }, cancellationToken: Ct);
        await sandbox.AdvanceDaysAsync(8);
        await subscriptions.UpdateAsync(
            id,
            new SubscriptionUpdateOptions { PauseCollection = new SubscriptionPauseCollectionOptions { Behavior = "void", ResumesAt = sandbox.Clock.GetUtcNow().AddDays(40).UtcDateTime } },
            cancellationToken: Ct);
        var unpause = new SubscriptionUpdateOptions();
        unpause.AddExtraParam("pause_collection", "");
        await subscriptions.UpdateAsync(id, unpause, cancellationToken: Ct);
        var licensed = StripePaymentProvider.Licensed(await subscriptions.GetAsync(id, cancellationToken: Ct))!;
        await subscriptions.UpdateAsync(id, new SubscriptionUpdateOptions { Items = [new SubscriptionItemOptions { Id = licensed.Id, Price = SandboxHost.Pro }] }, cancellationToken: Ct);
        await sandbox.AdvanceDaysAsync(31);
        await subscriptions.UpdateAsync(id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);
        await sandbox.AdvanceDaysAsync(31);

        var events = sandbox.Receiver.RawDeliveries.Where(d => SubscriptionChangedHandler.EventTypesRouted.Contains(d.Type)).ToList();
        var types = events.Select(e => e.Type).ToHashSet();
        var routes = events.Select(e => (e.Type, Read: SubscriptionEventReader.TryRoute(e.Type, e.Body), StripeNet: SubscriptionEventReaderTests.StripeNetRoute(e.Body))).ToList();

        Assert.Superset(new HashSet<string> { EventTypes.CustomerSubscriptionCreated, EventTypes.CustomerSubscriptionUpdated, EventTypes.CustomerSubscriptionDeleted }, types);
        Assert.All(routes, r =>
        {
            Assert.NotNull(r.Read);
            var stripeNet = Assert.IsType<WebhookRoute.Apply>(r.StripeNet);
            Assert.True(SubscriptionEventReaderTests.Same(r.Read, stripeNet), $"{r.Type}:\n  reader {SubscriptionEventReaderTests.Describe(r.Read)}\n  Stripe.net {SubscriptionEventReaderTests.Describe(stripeNet)}");
        });

        // The life's events carried every field's interesting values, so each was read, not only defaults.
        var read = routes.Select(r => r.Read!.Event).ToList();
        Assert.Contains(read, e => e.TrialEnd is not null);
        Assert.Contains(read, e => e.DiscountIds is { Count: > 0 });
        Assert.Contains(read, e => e.CollectionPaused == true);
        Assert.Contains(read, e => e is { PriceId: SandboxHost.Pro, Quantity: 1 });
        Assert.Contains(read, e => e.CancelAtPeriodEnd == true);
        Assert.Contains(read, e => e.SubscriptionStatus == "canceled");
        Assert.All(read, e => Assert.NotNull(e.PeriodEnd));
    }
}
