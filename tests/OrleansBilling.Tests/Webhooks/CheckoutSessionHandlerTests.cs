using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary><see cref="CheckoutSessionHandler"/> fed with Stripe's example checkout session.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class CheckoutSessionHandlerTests
{
    private readonly CheckoutSessionHandler handler = new();

    [Fact]
    public void A_completed_checkout_asks_for_its_subscription_and_carries_the_address_the_customer_gave()
    {
        var session = StripeFixtures.Example("checkout.session");
        session["mode"] = "subscription";
        session["subscription"] = "sub_fx";
        session["customer"] = "cus_fx";
        session["metadata"] = StripeFixtures.Metadata();

        var route = Assert.IsType<WebhookRoute.Apply>(handler.Route(StripeFixtures.Event(EventTypes.CheckoutSessionCompleted, session)));

        Assert.Equal(("demo/c1", "cus_fx"), (route.SubscriptionKey, route.ProviderCustomerId));
        Assert.Equal(ProviderEventKind.SubscriptionChanged, route.Event.Kind);
        Assert.Equal("sub_fx", route.Event.ProviderSubscriptionId);
        Assert.Equal(session["id"]!.GetValue<string>(), route.Event.ObjectId);
        Assert.Equal("example@example.com", route.Event.Email);
    }

    [Fact]
    public void An_expired_checkout_names_its_session_so_only_the_checkout_under_way_returns()
    {
        var session = StripeFixtures.Example("checkout.session");
        session["metadata"] = StripeFixtures.Metadata();

        var route = Assert.IsType<WebhookRoute.Apply>(handler.Route(StripeFixtures.Event(EventTypes.CheckoutSessionExpired, session)));

        Assert.Equal(ProviderEventKind.CheckoutExpired, route.Event.Kind);
        Assert.Equal(session["id"]!.GetValue<string>(), route.Event.ObjectId);
    }

    [Fact]
    public void A_completed_checkout_without_a_subscription_is_not_this_services()
    {
        var session = StripeFixtures.Example("checkout.session");

        Assert.IsType<WebhookRoute.Ignore>(handler.Route(StripeFixtures.Event(EventTypes.CheckoutSessionCompleted, session)));
    }

    [Fact]
    public void A_session_with_foreign_metadata_is_found_through_its_customer()
    {
        var session = StripeFixtures.Example("checkout.session");
        session["subscription"] = "sub_fx";
        session["customer"] = "cus_fx";

        var route = Assert.IsType<WebhookRoute.Apply>(handler.Route(StripeFixtures.Event(EventTypes.CheckoutSessionCompleted, session)));

        Assert.Null(route.SubscriptionKey);
        Assert.Equal("cus_fx", route.ProviderCustomerId);
    }
}
