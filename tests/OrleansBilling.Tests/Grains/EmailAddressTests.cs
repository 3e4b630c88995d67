using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>The address lifecycle email goes to: the newest Stripe has told, never an older one that arrives late.</summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class EmailAddressTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    [Fact]
    public async Task An_address_from_a_late_event_never_replaces_a_newer_one()
    {
        var grain = await cluster.ActiveOnBasic("addr_late");
        var now = cluster.Clock.GetUtcNow();
        await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_addr_updated", ProviderEventKind.CustomerUpdated, now.AddMinutes(5), ProviderCustomerId: "cus_test_1", Email: "new@example.com"));

        // The checkout's completion, delivered late, still carries the address given back then.
        await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_addr_checkout", ProviderEventKind.Fact, now.AddMinutes(1), ProviderSubscriptionId: "sub_addr_late", Fact: HistoryFact.InvoiceFinalized,
            Detail: "invoice=in_x", Email: "ada@example.com"));
        await cluster.FailPaymentAsync(grain, "addr_late");

        Assert.Equal("new@example.com", (await grain.GetSubscription()).Email);
        var failed = Assert.Single(cluster.Emails.Sent, m => m.IdempotencyKey.StartsWith("demo/addr_late/", StringComparison.Ordinal) && m.Tags[0] == "payment_failed");
        Assert.Equal("new@example.com", failed.ToEmail);
    }
}
