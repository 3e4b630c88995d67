namespace OrleansBilling.GrainInterfaces.Subscriptions;

/// <summary>An amount of money that moved (an invoice paid, a refund), in the currency's minor unit.</summary>
/// <param name="AmountMinor">Minor units (cents); a refund is positive, its direction is the entry's name.</param>
/// <param name="Currency">ISO 4217, lower case.</param>
[GenerateSerializer, Immutable, Alias("billing.Money")]
public sealed record Money(
    [property: Id(0)] long AmountMinor,
    [property: Id(1)] string Currency)
{
    /// <summary>For people: <c>12.50 USD</c>, in hundredths as the lifecycle emails have always shown money.</summary>
    public override string ToString() => Text(AmountMinor, Currency);

    /// <inheritdoc cref="ToString"/>
    public static string Text(long amountMinor, string currency) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{amountMinor / 100m:0.00} {currency.ToUpperInvariant()}");
}
