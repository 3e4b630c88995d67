using System.Text.Json.Nodes;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Stripe;
using OrleansBilling.Tests.Infrastructure;
using Stripe;
using Xunit;

namespace OrleansBilling.Tests.Webhooks;

/// <summary>
/// Stripe's discounts as the service reads them from a fetched subscription (Stripe's example discount and coupon,
/// expanded): what they take off, for how long, in the subscription's currency; and one it cannot read, kept by its id.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class StripeDiscountTests
{
    [Fact]
    public void A_percentage_coupon_is_read_with_its_duration_and_end()
    {
        var discount = Discount(Coupon(c => { c["percent_off"] = 25.5; c["duration"] = "repeating"; c["duration_in_months"] = 3; }), end: 1_800_000_000);

        Assert.Equal(
            new PriceDiscount("di_1Pgc6rB7WZ01zgkW7Al8Fal9", "Z4OV52SU", DiscountDuration.Repeating, 25.5m, null, "usd", DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)),
            StripePaymentProvider.DiscountOf(discount, "usd"));
    }

    [Fact]
    public void An_amount_off_is_taken_in_the_subscription_s_currency_where_the_coupon_has_one()
    {
        var coupon = Coupon(c =>
        {
            c["percent_off"] = null;
            c["amount_off"] = 500;
            c["currency"] = "usd";
            c["duration"] = "forever";
            c["currency_options"] = new JsonObject { ["eur"] = new JsonObject { ["amount_off"] = 450 } };
        });

        Assert.Equal((450L, "eur"), Off(StripePaymentProvider.DiscountOf(Discount(coupon), "eur")));
        Assert.Equal((500L, "usd"), Off(StripePaymentProvider.DiscountOf(Discount(coupon), "usd")));
        Assert.Equal((500L, "usd"), Off(StripePaymentProvider.DiscountOf(Discount(coupon), "gbp")));

        static (long?, string?) Off(PriceDiscount d) => (d.AmountOffMinor, d.Currency);
    }

    [Fact]
    public void A_discount_without_a_readable_coupon_is_kept_by_its_id_and_never_counted()
    {
        var unexpanded = Discount(JsonValue.Create("Z4OV52SU"));
        var strange = Discount(Coupon(c => c["duration"] = "seasonal"));

        Assert.Equal(new PriceDiscount("di_1Pgc6rB7WZ01zgkW7Al8Fal9", "Z4OV52SU", DiscountDuration.Unknown), StripePaymentProvider.DiscountOf(unexpanded, "usd"));
        Assert.Equal(DiscountDuration.Unknown, StripePaymentProvider.DiscountOf(strange, "usd").Duration);
        Assert.False(StripePaymentProvider.DiscountOf(strange, "usd").IsPermanent);
    }

    private static JsonObject Coupon(Action<JsonObject> change)
    {
        var coupon = StripeFixtures.Example("coupon");
        change(coupon);
        return coupon;
    }

    private static Discount Discount(JsonNode? coupon, long? end = null)
    {
        var discount = StripeFixtures.Example("discount");
        discount["source"] = new JsonObject { ["coupon"] = coupon?.DeepClone(), ["type"] = "coupon" };
        discount["end"] = end;
        return StripeEntity.FromJson<Discount>(discount.ToJsonString());
    }
}
