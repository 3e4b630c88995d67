using System.Globalization;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>
/// What metered items bill, as Stripe's billing meters do: the customer's meter events of each item's meter
/// with a timestamp from when the item is on the subscription (at the earliest <c>start</c>) to <c>end</c>,
/// aggregated by the meter's formula, billed in arrears: at the period's end on the invoice that opens the
/// next one, or, in flexible billing mode, when the item is taken off mid-period.
/// </summary>
internal static class MeteredUsage
{
    public static List<InvoiceLineRecord> Lines(SandboxState state, SubscriptionRecord subscription, IEnumerable<MeteredItem> items, DateTimeOffset start, DateTimeOffset end)
    {
        var lines = new List<InvoiceLineRecord>();
        foreach (var item in items)
        {
            var metered = item.Price.Metered!;
            var from = item.Created > start ? item.Created : start;
            var quantity = Aggregate(state.MeterEvents, metered, subscription.CustomerId, from, end);
            var included = Math.Min(quantity, metered.IncludedUnits);
            var billable = quantity - included;
            if (metered.Tiered)
            {
                lines.Add(Line(item, subscription, included, 0m, 1, from, end));
                lines.Add(Line(item, subscription, billable, metered.UnitAmountDecimal, 2, from, end));
            }
            else
            {
                lines.Add(Line(item, subscription, quantity, metered.UnitAmountDecimal, null, from, end));
            }
        }

        return lines;
    }

    /// <summary>The meter's value for one customer over [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public static decimal Aggregate(IEnumerable<SandboxMeterEvent> events, SandboxMeteredPrice metered, string customerId, DateTimeOffset start, DateTimeOffset end)
    {
        var counted = events
            .Where(e => e.EventName == metered.EventName && e.CustomerId == customerId && e.Timestamp >= start && e.Timestamp < end)
            .ToList();
        return metered.Aggregation switch
        {
            "count" => counted.Count,
            "last" => counted.OrderBy(e => e.Timestamp).ThenBy(e => e.Created).Select(Value).LastOrDefault(),
            _ => counted.Sum(Value),
        };

        static decimal Value(SandboxMeterEvent e) => decimal.Parse(e.Value, NumberStyles.Number, CultureInfo.InvariantCulture);
    }

    private static InvoiceLineRecord Line(MeteredItem item, SubscriptionRecord subscription, decimal quantity, decimal unitAmount, int? tier, DateTimeOffset start, DateTimeOffset end)
    {
        var amount = (long)Math.Round(quantity * unitAmount, MidpointRounding.AwayFromZero);
        var each = string.Create(CultureInfo.InvariantCulture, $"{unitAmount / 100m:0.00##########} {item.Price.Currency.ToUpperInvariant()}");
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"{quantity:0.##########} × {item.Price.ProductName} ({(tier is { } t ? $"Tier {t} at " : "at ")}{each} / unit)");
        return new InvoiceLineRecord(StripeIds.New("il"), amount, description, start, end, item.Price, false, subscription.Id, item.Id, quantity, unitAmount);
    }
}
