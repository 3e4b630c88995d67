using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// Terms with discounts cross from silo to silo: Orleans' own serializer writes and reads them, whatever list the
/// discounts were made in (a collection expression's list is a type only the compiler knows).
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class WireFormatTests
{
    private static readonly Serializer Wire = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(PriceTerms).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Fact]
    public void Terms_with_discounts_and_an_event_with_discount_ids_survive_the_wire()
    {
        var coupons = new[] { ("di_1", 25.5m), ("di_2", 10m) };
        IReadOnlyList<PriceDiscount> discounts = [.. coupons.Select(c => new PriceDiscount(c.Item1, "C", DiscountDuration.Forever, PercentOff: c.Item2))];
        var terms = new PriceTerms("pro", 2900, "usd", BillingInterval.Month, 3) { Discounts = discounts };
        var entry = new HistoryEntry(7, DateTimeOffset.UnixEpoch, HistoryKind.Fact, "SubscriptionUpdated", SubscriptionState.Active, SubscriptionState.Active, "stripe:evt_1", "discounts", null, terms);
        var providerEvent = new ProviderEvent("evt_1", ProviderEventKind.SubscriptionChanged, DateTimeOffset.UnixEpoch, DiscountIds: [.. coupons.Select(c => c.Item1)]);

        Assert.Equal(terms, Wire.Deserialize<PriceTerms>(Wire.SerializeToArray(terms)));
        Assert.Equal(entry, Wire.Deserialize<HistoryEntry>(Wire.SerializeToArray(entry)));
        Assert.Equal(["di_1", "di_2"], Wire.Deserialize<ProviderEvent>(Wire.SerializeToArray(providerEvent)).DiscountIds);
    }
}
