using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary><see cref="CustomerDeletedHandler"/> fed with Stripe's example customer.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class CustomerDeletedHandlerTests
{
    [Fact]
    public void A_deleted_customer_is_a_fact_told_once()
    {
        var customer = StripeFixtures.Example("customer");
        customer["metadata"] = StripeFixtures.Metadata();

        var route = Assert.IsType<WebhookRoute.Apply>(new CustomerDeletedHandler().Route(StripeFixtures.Event(EventTypes.CustomerDeleted, customer)));

        Assert.Equal(("demo/c1", "cus_QXg1o8vcGmoR32"), (route.SubscriptionKey, route.ProviderCustomerId));
        Assert.Equal((ProviderEventKind.Fact, HistoryFact.ProviderCustomerDeleted, "cus_QXg1o8vcGmoR32/deleted"), (route.Event.Kind, route.Event.Fact, route.Event.ChangeId));
    }
}
