using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Stripe.Webhooks;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary><see cref="TrialWillEndHandler"/> fed with Stripe's example subscription.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class TrialWillEndHandlerTests
{
    [Fact]
    public void The_end_of_a_trial_announced_is_a_fact_told_once_per_trial_end()
    {
        var subscription = StripeFixtures.Example("subscription");
        subscription["metadata"] = StripeFixtures.Metadata();

        var route = Assert.IsType<WebhookRoute.Apply>(new TrialWillEndHandler().Route(StripeFixtures.Event(EventTypes.CustomerSubscriptionTrialWillEnd, subscription)));

        Assert.Equal("demo/c1", route.SubscriptionKey);
        Assert.Equal((ProviderEventKind.Fact, HistoryFact.TrialWillEnd), (route.Event.Kind, route.Event.Fact));
        Assert.Equal("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw", route.Event.ProviderSubscriptionId);
        Assert.StartsWith("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw/trial-will-end/2009-02-13", route.Event.ChangeId, StringComparison.Ordinal);
    }
}
