using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Reporting;

/// <summary>Money in the minor unit of its currency: two decimals for most, none for the yen, three for the Kuwaiti dinar.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class MoneyTests
{
    [Theory]
    [InlineData(1250L, "usd", "12.50 USD")]
    [InlineData(1500L, "jpy", "1500 JPY")]
    [InlineData(1250L, "kwd", "1.250 KWD")]
    [InlineData(-99L, "eur", "-0.99 EUR")]
    [InlineData(0L, "krw", "0 KRW")]
    public void Money_is_shown_in_the_major_unit_with_the_currency_s_decimals(long minor, string currency, string text) =>
        Assert.Equal(text, new Money(minor, currency).ToString());

    [Theory]
    [InlineData("12.5", "usd", 1250L)]
    [InlineData("12.505", "usd", null)]
    [InlineData("1500", "JPY", 1500L)]
    [InlineData("1500.1", "jpy", null)]
    [InlineData("0.125", "bhd", 125L)]
    public void An_amount_in_the_major_unit_has_minor_units_only_when_the_currency_has_its_decimals(string major, string currency, long? minor) =>
        Assert.Equal(minor, Money.Minor(decimal.Parse(major, System.Globalization.CultureInfo.InvariantCulture), currency));
}
