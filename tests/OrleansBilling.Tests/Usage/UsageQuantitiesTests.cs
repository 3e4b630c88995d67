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

    [Theory]
    [InlineData("0", true)]
    [InlineData("0.000", true)]
    [InlineData("1.5000000", true)]
    [InlineData("100.00", true)]
    [InlineData("1e2", true)]
    [InlineData("1E+2", true)]
    [InlineData("25e-6", true)]
    [InlineData("999999999999999", true)]
    [InlineData("123456789.123456", true)]
    [InlineData("1.00000000000000000000000000001", false)]
    [InlineData("0.00000000000000000000000000001", false)]
    [InlineData("1e-30", false)]
    [InlineData("1e400", false)]
    [InlineData("1e99999999999", false)]
    [InlineData("0.0000001", false)]
    [InlineData("1234567890123456", false)]
    [InlineData("999999999999999.9", false)]
    public void A_number_is_judged_as_written_before_a_decimal_could_round_it(string written, bool within)
    {
        Assert.Equal(within, UsageQuantities.WrittenWithin(System.Text.Encoding.UTF8.GetBytes(written)));
        if (within)
        {
            // What passes as written passes as the decimal it reads as: the two checks never disagree.
            Assert.True(UsageQuantities.Fits(Parse(written), UsageQuantities.Ceiling));
        }
    }

    private static decimal Parse(string quantity) => decimal.Parse(quantity, NumberStyles.Float, CultureInfo.InvariantCulture);
}
