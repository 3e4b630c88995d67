using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Order-independence without the inbox's de-duplication by event id: every event of a set of customers
/// is sent again as a new event, in shuffled order. The service follows Stripe's current state (it
/// fetches the subscription rather than trusting the snapshot), guards with facts that only move one way,
/// and knows a fact told twice, so nothing moves and nothing is recorded again.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class ReplayedEventTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    [Fact]
    public async Task Every_event_sent_again_as_a_new_event_in_shuffled_order_moves_no_subscription()
    {
        using var api = service.Client();
        var fates = new MixedFates(service, api, "replayed", customersPerFate: 2);
        await fates.LiveAsync();
        var before = await fates.SnapshotAsync();
        var events = fates.StripeCustomers.Values.SelectMany(service.Sandbox.Of).ToArray();
        new Random(7).Shuffle(events);

        foreach (var stripeEvent in events)
        {
            await api.DeliverFreshAsync(FreshEvents.AsNew(stripeEvent));
        }

        var after = await fates.SnapshotAsync();
        Assert.All(fates.Customers, c =>
        {
            Assert.Equal(before[c.Customer].State, after[c.Customer].State);
            Assert.Equal(before[c.Customer].Transitions, after[c.Customer].Transitions);
            Assert.Equal(before[c.Customer].View, after[c.Customer].View);
            Assert.Equal(before[c.Customer].History, after[c.Customer].History);
        });
        Assert.Empty(await fates.AnomaliesAsync());
    }
}
