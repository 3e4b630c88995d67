namespace OrleansBilling.Sandbox.State;

/// <summary>Calendar arithmetic for a price's billing interval, as Stripe bills by calendar, not fixed seconds.</summary>
internal static class Intervals
{
    public static DateTimeOffset After(string interval, DateTimeOffset from) => interval switch
    {
        "day" => from.AddDays(1),
        "week" => from.AddDays(7),
        "month" => from.AddMonths(1),
        "year" => from.AddYears(1),
        _ => throw new InvalidOperationException($"Unknown billing interval '{interval}'."),
    };
}
