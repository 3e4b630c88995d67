using System.Text.Json.Nodes;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary><see cref="SubscriptionChangedHandler"/> fed with Stripe's example subscription.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class SubscriptionChangedHandlerTests
{
    private readonly SubscriptionChangedHandler handler = new();

    [Theory]
    [InlineData(EventTypes.CustomerSubscriptionCreated)]
    [InlineData(EventTypes.CustomerSubscriptionUpdated)]
    [InlineData(EventTypes.CustomerSubscriptionDeleted)]
    [InlineData(EventTypes.CustomerSubscriptionPaused)]
    [InlineData(EventTypes.CustomerSubscriptionResumed)]
    public void Every_subscription_event_carries_the_snapshot_the_subscription_compares_with_what_it_knows(string type)
    {
        var subscription = Subscription();

        var route = Assert.IsType<WebhookRoute.Apply>(handler.Route(StripeFixtures.Event(type, subscription)));

        Assert.Equal(("demo/c1", "cus_QXg1o8vcGmoR32"), (route.SubscriptionKey, route.ProviderCustomerId));
        var e = route.Event;
        Assert.Equal(ProviderEventKind.SubscriptionChanged, e.Kind);
        Assert.Equal(("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw", "active", "price_1PgafmB7WZ01zgkW6dKueIc5"), (e.ProviderSubscriptionId, e.SubscriptionStatus, e.PriceId));
        var periodEnd = subscription["items"]!["data"]![0]!["current_period_end"]!.GetValue<long>();
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(periodEnd), e.PeriodEnd);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1234567890), e.TrialEnd);
        Assert.Equal(subscription["cancel_at_period_end"]!.GetValue<bool>(), e.CancelAtPeriodEnd);
    }

    [Fact]
    public void A_subscription_of_another_system_is_found_through_its_customer_or_not_at_all()
    {
        var subscription = Subscription();
        subscription["metadata"] = new JsonObject();

        var route = Assert.IsType<WebhookRoute.Apply>(handler.Route(StripeFixtures.Event(EventTypes.CustomerSubscriptionUpdated, subscription)));

        Assert.Null(route.SubscriptionKey);
        Assert.Equal("cus_QXg1o8vcGmoR32", route.ProviderCustomerId);
    }

    private static JsonObject Subscription()
    {
        var subscription = StripeFixtures.Example("subscription");
        subscription["metadata"] = StripeFixtures.Metadata();
        return subscription;
    }
}
