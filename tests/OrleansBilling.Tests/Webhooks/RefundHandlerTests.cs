using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary><see cref="RefundHandler"/> fed with Stripe's example charge and refund.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class RefundHandlerTests
{
    private readonly RefundHandler handler = new();

    [Fact]
    public void A_refunded_charge_is_found_through_its_customer_and_carries_the_amount_refunded_so_far()
    {
        var charge = StripeFixtures.Example("charge");
        charge["customer"] = "cus_fx";
        charge["amount_refunded"] = 40;

        var route = Assert.IsType<WebhookRoute.Apply>(handler.Route(StripeFixtures.Event(EventTypes.ChargeRefunded, charge)));

        Assert.Equal((null, "cus_fx"), (route.SubscriptionKey, route.ProviderCustomerId));
        var e = route.Event;
        Assert.Equal((ProviderEventKind.Fact, HistoryFact.ChargeRefunded), (e.Kind, e.Fact));
        Assert.Equal((40L, "usd"), (e.AmountMinor, e.Currency));
        Assert.Equal("ch_1PgafuB7WZ01zgkWXYmPNZs8/refunded-40", e.ChangeId);
    }

    [Theory]
    [InlineData(EventTypes.RefundCreated, HistoryFact.RefundCreated)]
    [InlineData(EventTypes.RefundUpdated, HistoryFact.RefundUpdated)]
    [InlineData(EventTypes.RefundFailed, HistoryFact.RefundFailed)]
    public void A_refund_this_service_issued_is_found_through_its_metadata(string type, HistoryFact fact)
    {
        var refund = StripeFixtures.Example("refund");
        refund["metadata"] = StripeFixtures.Metadata();

        var route = Assert.IsType<WebhookRoute.Apply>(handler.Route(StripeFixtures.Event(type, refund)));

        Assert.Equal("demo/c1", route.SubscriptionKey);
        Assert.Equal((fact, 100L, "usd"), (route.Event.Fact!.Value, route.Event.AmountMinor!.Value, route.Event.Currency));
        Assert.Equal($"re_1Pgc72B7WZ01zgkWqPvrRrPE/{type}/succeeded", route.Event.ChangeId);
    }
}
