using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.EndToEnd;

/// <summary>
/// Stripe delivers at least once and in no order: sending every event again, shuffled and several
/// times over, changes no subscription, records no fact twice and raises no anomaly.
/// </summary>
[Trait(TestKind.Trait, TestKind.EndToEnd)]
public sealed class ShuffledRedeliveryTests(SandboxBillingService service) : IClassFixture<SandboxBillingService>
{
    [Fact]
    public async Task Every_event_delivered_again_shuffled_and_four_times_over_changes_no_subscription()
    {
        using var api = service.Client();
        var fates = new MixedFates(service, api, "again", customersPerFate: 4);
        await fates.LiveAsync();
        var before = await fates.SnapshotAsync();
        Assert.Empty(fates.Customers
            .Where(c => before[c.Customer].State != MixedFates.ExpectedStates[c.Fate])
            .Select(c => $"{c.Customer} is {before[c.Customer].State}"));

        var redelivery = await api.RedeliverAllAsync(duplicates: 3, seed: 7);

        var sent = redelivery.GetProperty("sent").GetInt32();
        Assert.Equal(service.Sandbox.Events.Count * 4, sent);
        Assert.Equal(sent, redelivery.GetProperty("succeeded").GetInt32());
        var after = await fates.SnapshotAsync();
        Assert.All(fates.Customers, c =>
        {
            Assert.Equal(before[c.Customer].View, after[c.Customer].View);
            Assert.Equal(before[c.Customer].History, after[c.Customer].History);
        });
        Assert.Empty(await fates.AnomaliesAsync());
    }
}
