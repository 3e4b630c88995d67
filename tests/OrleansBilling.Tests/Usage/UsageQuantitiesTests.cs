using System.Globalization;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Usage;

[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class UsageQuantitiesTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("0.000001")]
    [InlineData("2.500000000")]
    [InlineData("1000000000")]
    [InlineData("123456789.123456")]
    public void A_quantity_of_at_most_six_places_and_fifteen_digits_up_to_the_default_maximum_fits(string quantity) =>
        Assert.True(UsageQuantities.Fits(Parse(quantity), UsageQuantities.DefaultMax));

    [Theory]
    [InlineData("-0.000001")]
    [InlineData("0.0000001")]
    [InlineData("1000000000.000001")]
    public void A_negative_too_fine_or_too_large_quantity_does_not_fit(string quantity) =>
        Assert.False(UsageQuantities.Fits(Parse(quantity), UsageQuantities.DefaultMax));

    [Theory]
    [InlineData("999999999999999", true)]
    [InlineData("99999999999999.9", true)]
    [InlineData("999999999.999999", true)]
    [InlineData("1000000000000000", false)]
    [InlineData("99999999999999.99", false)]
    [InlineData("9999999999.999999", false)]
    public void Sixteen_significant_digits_never_fit_whatever_the_maximum(string quantity, bool fits) =>
        Assert.Equal(fits, UsageQuantities.Fits(Parse(quantity), UsageQuantities.Ceiling));

    private static decimal Parse(string quantity) => decimal.Parse(quantity, NumberStyles.Float, CultureInfo.InvariantCulture);
}
