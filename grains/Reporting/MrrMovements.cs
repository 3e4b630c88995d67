using OrleansBilling.GrainInterfaces.Reporting;

namespace OrleansBilling.Grains.Reporting;

/// <summary>A customer's MRR moving on a day: signed (churn and contraction negative), so a period's movements add up to its change of MRR.</summary>
public sealed record Movement(DateOnly Day, string SubscriptionKey, string ProductId, string Currency, MovementKind Kind, long AmountMinor);

/// <summary>
/// The movements of one customer (a subscription), day by day (UTC): the MRR at the end of each day compared with the end
/// of the day before. From nothing: new the first time the customer ever counted, reactivation after (a win-back, a
/// recovery); to nothing: churn; up or down while counting: expansion or contraction. A change of currency is a churn in
/// the old and a new (or reactivation) in the new.
/// </summary>
public static class MrrMovements
{
    public static IEnumerable<Movement> Of(string subscriptionKey, string productId, IReadOnlyList<MrrPoint> points)
    {
        long before = 0;
        string? currency = null;
        var counted = false;
        foreach (var day in points.GroupBy(p => DateOnly.FromDateTime(p.At.UtcDateTime)))
        {
            var last = day.Last();
            var (after, now) = (last.MrrMinor, last.Currency);
            if (before > 0 && (after == 0 || now != currency))
            {
                yield return new(day.Key, subscriptionKey, productId, currency!, MovementKind.Churn, -before);
                before = 0;
            }

            if (after > 0 && before == 0)
            {
                yield return new(day.Key, subscriptionKey, productId, now!, counted ? MovementKind.Reactivation : MovementKind.New, after);
                counted = true;
            }
            else if (after > 0 && after != before)
            {
                yield return new(day.Key, subscriptionKey, productId, now!, after > before ? MovementKind.Expansion : MovementKind.Contraction, after - before);
            }

            (before, currency) = (after, after > 0 ? now : currency);
        }
    }
}
