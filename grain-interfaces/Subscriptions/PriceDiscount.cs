using System.Text.Json.Serialization;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>How long a discount lasts (Stripe's coupon <c>duration</c>).</summary>
public enum DiscountDuration
{
    /// <summary>The next invoice only.</summary>
    Once,

    /// <summary>The invoices of a number of months.</summary>
    Repeating,

    /// <summary>Every invoice, for as long as it stays on the subscription.</summary>
    Forever,

    /// <summary>Not known: the provider did not describe the coupon (a kind of discount this service does not read).</summary>
    Unknown,
}

/// <summary>
/// A discount on a subscription as the provider applied it (a Stripe discount and its coupon): either a percentage or an
/// amount off each invoice, for once, some months or forever. Only a permanent one changes what the customer pays for good;
/// one the service could not read is kept for its id and never counted.
/// </summary>
/// <param name="Id">The provider's discount id (<c>di_…</c>).</param>
/// <param name="CouponId">The coupon it was made from.</param>
/// <param name="Duration">How long it lasts.</param>
/// <param name="PercentOff">The percentage off, when it takes a percentage (0 to 100).</param>
/// <param name="AmountOffMinor">The amount off each invoice in minor units, when it takes an amount.</param>
/// <param name="Currency">The currency of <paramref name="AmountOffMinor"/>, ISO 4217 lower case.</param>
/// <param name="End">When a repeating discount ends; null for the others.</param>
[GenerateSerializer, Immutable, Alias("billing.PriceDiscount")]
public sealed record PriceDiscount(
    [property: Id(0)] string Id,
    [property: Id(1)] string CouponId,
    [property: Id(2)] DiscountDuration Duration,
    [property: Id(3)] decimal? PercentOff = null,
    [property: Id(4)] long? AmountOffMinor = null,
    [property: Id(5)] string? Currency = null,
    [property: Id(6)] DateTimeOffset? End = null)
{
    /// <summary>Whether it lowers every invoice for good (a forever coupon), and so the recurring revenue.</summary>
    [JsonIgnore]
    public bool IsPermanent => Duration == DiscountDuration.Forever;

    /// <summary>
    /// What is left of <paramref name="amountMinor"/> (in <paramref name="currency"/>) after this discount, never below zero;
    /// an amount off in another currency takes nothing off. Not rounded: the caller rounds once.
    /// </summary>
    public decimal Apply(decimal amountMinor, string currency) => this switch
    {
        { PercentOff: { } percent } => amountMinor * (100 - percent) / 100,
        { AmountOffMinor: { } off } when string.Equals(Currency, currency, StringComparison.Ordinal) => Math.Max(0, amountMinor - off),
        _ => amountMinor,
    };

    /// <summary>The discount in a few words: <c>25% off forever</c>, <c>5.00 eur off for 3 months</c>.</summary>
    public override string ToString()
    {
        var off = PercentOff is { } percent
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{percent:0.##}% off")
            : $"{Money.Text(AmountOffMinor ?? 0, Currency ?? "")} off";
        return Duration switch
        {
            DiscountDuration.Forever => $"{off} forever",
            DiscountDuration.Once => $"{off} once",
            DiscountDuration.Repeating => End is { } end ? $"{off} until {end:yyyy-MM-dd}" : $"{off} for some months",
            _ => "a discount the service cannot read",
        };
    }
}
