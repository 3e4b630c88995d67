using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary><see cref="CustomerUpdatedHandler"/> fed with Stripe's example customer.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class CustomerUpdatedHandlerTests
{
    [Fact]
    public void An_updated_customer_carries_the_address_Stripe_now_holds()
    {
        var customer = StripeFixtures.Example("customer");
        customer["email"] = "eve@example.com";

        var route = Assert.IsType<WebhookRoute.Apply>(new CustomerUpdatedHandler().Route(StripeFixtures.Event(EventTypes.CustomerUpdated, customer)));

        Assert.Equal((null, "cus_QXg1o8vcGmoR32"), (route.SubscriptionKey, route.ProviderCustomerId));
        Assert.Equal((ProviderEventKind.CustomerUpdated, "eve@example.com"), (route.Event.Kind, route.Event.Email));
    }
}
