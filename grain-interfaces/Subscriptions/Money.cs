using System.Globalization;

namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>An amount of money that moved (an invoice paid, a refund), in the currency's minor unit.</summary>
/// <param name="AmountMinor">Minor units (cents); a refund is positive, its direction is the entry's name.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
[GenerateSerializer, Immutable, Alias("billing.Money")]
public sealed record Money(
    [property: Id(0)] long AmountMinor,
    [property: Id(1)] string Currency)
{
    // Stripe's zero-decimal and three-decimal currencies; every other currency it takes has two decimals.
    private static readonly HashSet<string> NoDecimals =
        ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];

    private static readonly HashSet<string> ThreeDecimals = ["bhd", "jod", "kwd", "omr", "tnd"];

    /// <summary>For people: <c>12.50 USD</c>, <c>1500 JPY</c>, <c>1.250 KWD</c>: the major unit with the currency's decimals.</summary>
    public override string ToString() => Text(AmountMinor, Currency);

    /// <inheritdoc cref="ToString"/>
    public static string Text(long amountMinor, string currency) =>
        Major(amountMinor, currency).ToString("F" + Decimals(currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
        + " " + currency.ToUpperInvariant();

    /// <summary>How many decimals the currency's major unit has (as Stripe counts them): 0, 2 or 3.</summary>
    public static int Decimals(string currency) =>
        NoDecimals.Contains(currency.ToLowerInvariant()) ? 0 : ThreeDecimals.Contains(currency.ToLowerInvariant()) ? 3 : 2;

    /// <summary>Minor units in the major unit: 12.50 for 1250 cents, 1500 for 1500 yen.</summary>
    public static decimal Major(long amountMinor, string currency) => amountMinor / MinorPerMajor(currency);

    /// <summary>The minor units of an amount in the major unit, when it has no more decimals than the currency; else null.</summary>
    public static long? Minor(decimal major, string currency)
    {
        var minor = major * MinorPerMajor(currency);
        return minor == decimal.Truncate(minor) && Math.Abs(minor) <= long.MaxValue ? (long)minor : null;
    }

    /// <summary>How many minor units make one major unit: 1, 100 or 1000.</summary>
    public static decimal MinorPerMajor(string currency) => Decimals(currency) switch
    {
        0 => 1m,
        3 => 1000m,
        _ => 100m,
    };
}
