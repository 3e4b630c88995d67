using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Reporting;

/// <summary>One entry of a subscription's history as reporting reads it: when, the state after, the terms after, and what it was.</summary>
/// <param name="SubscriptionKey">The subscription (<c>product/customer</c>): reporting's customer.</param>
/// <param name="ProductId">Its product.</param>
/// <param name="Sequence">Its place in the subscription's history.</param>
/// <param name="OccurredAt">When it was applied.</param>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="TermsAfter">What the customer pays for after it, on entries that change state or terms; null keeps the terms before.</param>
/// <param name="Name">The transition's or fact's name.</param>
/// <param name="Actor">Who caused it.</param>
public sealed record ReportingEntry(
    string SubscriptionKey, string ProductId, long Sequence, DateTimeOffset OccurredAt, SubscriptionState From, SubscriptionState To, PriceTerms? TermsAfter,
    string Name = "", string Actor = "");

/// <summary>A subscription's state and the MRR it counts for, from <see cref="At"/> on.</summary>
public readonly record struct MrrPoint(DateTimeOffset At, SubscriptionState State, string? Currency, long MrrMinor);

/// <summary>
/// MRR by the definitions the README states (Stripe Billing's convention): the monthly-normalised recurring amount of a
/// subscription that counts, in minor units of its currency. Pure: the same history and options give the same numbers.
/// </summary>
public static class MrrTimeline
{
    /// <summary>
    /// The terms as a monthly amount in minor units: the price times the quantity, less its permanent discounts in the
    /// order they apply (a temporary one ends, so it does not lower recurring revenue), then a year ÷ 12, a week × 52 ÷ 12,
    /// a day × 365 ÷ 12, rounded half away from zero once per subscription, so a customer's movements add up to its MRR
    /// exactly.
    /// </summary>
    public static long Monthly(PriceTerms terms)
    {
        var amount = terms.Discounts.Where(d => d.IsPermanent)
            .Aggregate(terms.UnitAmountMinor * (decimal)terms.Quantity, (left, discount) => discount.Apply(left, terms.Currency));
        var monthly = terms.Interval switch
        {
            BillingInterval.Day => amount * 365 / 12,
            BillingInterval.Week => amount * 52 / 12,
            BillingInterval.Month => amount,
            BillingInterval.Year => amount / 12,
            _ => throw new ArgumentOutOfRangeException(nameof(terms), terms.Interval, "Unknown billing interval."),
        };
        return (long)Math.Round(monthly, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// How long a subscription in <paramref name="state"/> counts from the moment it entered it: forever, never
    /// (<see cref="TimeSpan.Zero"/>), or for a while (past due and suspended, as the options say).
    /// </summary>
    public static TimeSpan? CountsFor(SubscriptionState state, ReportingOptions options) => state switch
    {
        SubscriptionState.Active => null,
        SubscriptionState.Canceling => options.ChurnAt == ChurnMoment.SubscriptionEnds ? null : TimeSpan.Zero,
        SubscriptionState.PastDue => options.PastDueCountsFor,
        SubscriptionState.Suspended => options.SuspendedCountsFor,

        // Trials, checkouts not completed, paused collection and the ended count for nothing.
        _ => TimeSpan.Zero,
    };

    /// <summary>
    /// A subscription's points, from its history in order: one wherever its state or the MRR it counts for changes,
    /// including the moment a past-due or suspended subscription stops counting (up to <paramref name="until"/>).
    /// </summary>
    public static IReadOnlyList<MrrPoint> Of(IReadOnlyList<ReportingEntry> history, ReportingOptions options, DateTimeOffset until)
    {
        var points = new List<MrrPoint>();
        PriceTerms? terms = null;
        var state = SubscriptionState.None;
        DateTimeOffset? stopsCounting = null;
        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            Expire(entry.OccurredAt, inclusive: false);
            terms = entry.TermsAfter ?? terms;
            var entered = entry.To != state;
            state = entry.To;
            var countsFor = CountsFor(state, options);
            if (entered)
            {
                stopsCounting = countsFor is { } limit ? entry.OccurredAt + limit : null;
            }

            var counts = countsFor is null || stopsCounting > entry.OccurredAt;
            Add(new MrrPoint(entry.OccurredAt, state, terms?.Currency, counts && terms is not null ? Monthly(terms) : 0));
        }

        Expire(until, inclusive: true);
        return points;

        void Expire(DateTimeOffset before, bool inclusive)
        {
            if (stopsCounting is { } end && (end < before || (inclusive && end <= before)) && points.Count > 0 && points[^1].MrrMinor != 0)
            {
                Add(points[^1] with { At = end, MrrMinor = 0 });
            }

            if (stopsCounting is { } over && (over < before || (inclusive && over <= before)))
            {
                stopsCounting = null;
            }
        }

        void Add(MrrPoint point)
        {
            if (points.Count == 0 || points[^1].State != point.State || points[^1].MrrMinor != point.MrrMinor || points[^1].Currency != point.Currency)
            {
                points.Add(point);
            }
        }
    }

    /// <summary>The point in force at <paramref name="at"/> (the last one at or before it), or null before the first.</summary>
    public static MrrPoint? At(IReadOnlyList<MrrPoint> points, DateTimeOffset at)
    {
        MrrPoint? found = null;
        foreach (var point in points)
        {
            if (point.At > at)
            {
                break;
            }

            found = point;
        }

        return found;
    }
}
