using System.Globalization;
using OrleansBilling.Sandbox.State;

namespace OrleansBilling.Sandbox.Billing;

/// <summary>
/// What a subscription's metered items bill for a period, as Stripe's billing meters do: the customer's
/// meter events of each item's meter with a timestamp in the period, aggregated by the meter's formula,
/// billed in arrears on the invoice that opens the next period. Usage is billed at the metered item the
/// subscription has when the period closes (a plan change within the period moves the whole period's usage
/// to the new plan's price).
/// </summary>
internal static class MeteredUsage
{
    public static List<InvoiceLineRecord> Lines(SandboxState state, SubscriptionRecord subscription, DateTimeOffset start, DateTimeOffset end)
    {
        var lines = new List<InvoiceLineRecord>();
        foreach (var item in subscription.MeteredItems)
        {
            var metered = item.Price.Metered!;
            var quantity = Aggregate(state.MeterEvents, metered, subscription.CustomerId, start, end);
            var included = Math.Min(quantity, metered.IncludedUnits);
            var billable = quantity - included;
            if (metered.Tiered)
            {
                lines.Add(Line(item, subscription, included, 0m, 1, start, end));
                lines.Add(Line(item, subscription, billable, metered.UnitAmountDecimal, 2, start, end));
            }
            else
            {
                lines.Add(Line(item, subscription, quantity, metered.UnitAmountDecimal, null, start, end));
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
