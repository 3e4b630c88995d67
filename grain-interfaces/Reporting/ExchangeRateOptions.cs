namespace OrleansBilling.GrainInterfaces.Reporting;

/// <summary>
/// The portfolio's total in one currency needs dated exchange rates, configured, never invented
/// (<c>Billing:ExchangeRates:Currency=usd</c>, <c>Billing:ExchangeRates:Rates:eur:2026-01-01=1.0850</c>: one euro
/// is 1.0850 dollars from that day on). Without a currency, or without a rate in force for a currency on a
/// period's last day, the total is not given for that period and says which rate is missing.
/// </summary>
[GenerateSerializer, Immutable, Alias("billing.ExchangeRateOptions")]
public sealed record ExchangeRateOptions
{
    public const string Section = "Billing:ExchangeRates";

    /// <summary>The reporting currency (ISO 4217, lower case), or null: no total.</summary>
    [Id(0)]
    public string? Currency { get; init; }

    /// <summary>Per currency, from a day (<c>yyyy-MM-dd</c>) on, how many units of <see cref="Currency"/> one unit is worth.</summary>
    [Id(1)]
    public Dictionary<string, Dictionary<string, decimal>> Rates { get; init; } = [];

    /// <summary>The rate of <paramref name="currency"/> in force on <paramref name="day"/>: 1 for the reporting currency, null when none is configured by then.</summary>
    public decimal? RateOf(string currency, DateOnly day)
    {
        if (currency == Currency)
        {
            return 1;
        }

        return Rates.TryGetValue(currency, out var dated)
            ? dated.Select(r => (Day: DateOnly.ParseExact(r.Key, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Rate: r.Value))
                .Where(r => r.Day <= day).OrderBy(r => r.Day).Select(r => (decimal?)r.Rate).LastOrDefault()
            : null;
    }

    /// <summary>What is wrong with the configuration, if anything.</summary>
    public IEnumerable<string> Problems()
    {
        if (Currency is { } currency && (currency.Length != 3 || !currency.All(char.IsAsciiLetterLower)))
        {
            yield return $"Billing:ExchangeRates:Currency '{currency}' is not an ISO 4217 code in lower case.";
        }

        foreach (var (from, dated) in Rates)
        {
            foreach (var (day, rate) in dated)
            {
                if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _) || rate <= 0)
                {
                    yield return $"Billing:ExchangeRates:Rates:{from}:{day}: a day (yyyy-MM-dd) and a rate above 0.";
                }
            }
        }
    }
}
