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

    /// <summary>
    /// Whether a JSON number, as written (<paramref name="utf8Number"/>), keeps the decimal places and digits
    /// of the rule: read from its text, because converting it to a decimal first would round away what does
    /// not fit (1.00000000000000000000000000001 would become 1, 1e-30 would become 0).
    /// </summary>
    public static bool WrittenWithin(ReadOnlySpan<byte> utf8Number)
    {
        var e = utf8Number.IndexOfAny((byte)'e', (byte)'E');
        var mantissa = e < 0 ? utf8Number : utf8Number[..e];
        var exponent = 0;
        if (e >= 0 && !(System.Buffers.Text.Utf8Parser.TryParse(utf8Number[(e + 1)..], out exponent, out var read) && read == utf8Number.Length - e - 1 && Math.Abs(exponent) <= 1_000))
        {
            return false;
        }

        if (mantissa.Length > 0 && mantissa[0] == (byte)'-')
        {
            mantissa = mantissa[1..];
        }

        var dot = mantissa.IndexOf((byte)'.');
        var whole = dot < 0 ? mantissa : mantissa[..dot];
        var fraction = dot < 0 ? [] : mantissa[(dot + 1)..];

        // The value is digits × 10^-scale, with the digits' leading zeros and the fraction's trailing ones dropped.
        var scale = fraction.Length - exponent;
        var digits = (whole.Length + fraction.Length) - CountLeadingZeros(whole, fraction);
        var trailing = CountTrailingZeros(fraction.Length > 0 ? fraction : whole, digits);
        var dropped = Math.Min(trailing, Math.Max(scale, 0));
        digits -= dropped;
        scale -= dropped;
        var places = Math.Max(scale, 0);
        var wholeDigits = Math.Max(digits - scale, 0);
        return digits == 0 || (places <= MaxDecimals && wholeDigits + places <= MaxDigits);
    }

    /// <summary>The rule in words, for problem details and documentation.</summary>
    public static string Rule(decimal max) =>
        $"a number from 0 to {max:0.######}, with at most {MaxDecimals} decimal places and {MaxDigits} significant digits";

    /// <summary><paramref name="quantity"/> without trailing zeros: a numeric(21,6) column reads 25 as 25.000000.</summary>
    public static decimal Trimmed(decimal quantity) => decimal.Round(quantity, Decimals(quantity));

    /// <summary>Zeros before the first other digit of the whole part then the fraction.</summary>
    private static int CountLeadingZeros(ReadOnlySpan<byte> whole, ReadOnlySpan<byte> fraction)
    {
        var zeros = whole.Length - whole.TrimStart((byte)'0').Length;
        return zeros < whole.Length ? zeros : zeros + (fraction.Length - fraction.TrimStart((byte)'0').Length);
    }

    /// <summary>Zeros at the end of the written digits, at most the significant ones.</summary>
    private static int CountTrailingZeros(ReadOnlySpan<byte> last, int significant) =>
        Math.Min(last.Length - last.TrimEnd((byte)'0').Length, significant);

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
