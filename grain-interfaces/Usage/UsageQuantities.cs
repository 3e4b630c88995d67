namespace OrleansBilling.GrainInterfaces.Usage;

/// <summary>
/// The rules a usage quantity keeps, so every total stays finite and exact. Quantities are decimals
/// of at most <see cref="MaxDecimals"/> places and <see cref="MaxDigits"/> significant digits (what a
/// Stripe meter event takes), not negative, and at most the meter's maximum.
/// </summary>
public static class UsageQuantities
{
    /// <summary>Decimal places a quantity may have; trailing zeros do not count.</summary>
    public const int MaxDecimals = 6;

    /// <summary>Significant digits a quantity may have: Stripe refuses a meter event value of more.</summary>
    public const int MaxDigits = 15;

    /// <summary>A meter's largest quantity per event when its catalog entry names none.</summary>
    public const decimal DefaultMax = 1_000_000_000m;

    /// <summary>The largest maximum a meter may declare: the largest whole number of <see cref="MaxDigits"/> digits.</summary>
    public const decimal Ceiling = 999_999_999_999_999m;

    /// <summary>Whether <paramref name="quantity"/> is one a meter whose maximum is <paramref name="max"/> takes.</summary>
    public static bool Fits(decimal quantity, decimal max)
    {
        if (quantity < 0 || quantity > max || quantity > Ceiling)
        {
            return false;
        }

        var decimals = Decimals(quantity);
        return decimals <= MaxDecimals && decimal.Truncate(quantity) < WholeDigitsBelow(MaxDigits - decimals);
    }

    /// <summary>The rule in words, for problem details and documentation.</summary>
    public static string Rule(decimal max) =>
        $"a number from 0 to {max:0.######}, with at most {MaxDecimals} decimal places and {MaxDigits} significant digits";

    /// <summary><paramref name="quantity"/> without trailing zeros: a numeric(21,6) column reads 25 as 25.000000.</summary>
    public static decimal Trimmed(decimal quantity) => decimal.Round(quantity, Decimals(quantity));

    /// <summary>The decimal places <paramref name="quantity"/> needs: 1.50 needs one.</summary>
    private static int Decimals(decimal quantity)
    {
        var scale = (int)quantity.Scale;
        while (scale > 0 && decimal.Round(quantity, scale - 1) == quantity)
        {
            scale--;
        }

        return scale;
    }

    /// <summary>10 to the power <paramref name="digits"/>: the first whole number with more digits.</summary>
    private static decimal WholeDigitsBelow(int digits)
    {
        var bound = 1m;
        for (var i = 0; i < digits; i++)
        {
            bound *= 10;
        }

        return bound;
    }
}
