using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Reporting;

namespace OrleansBilling.Grains.Reporting;

/// <summary>
/// A report computed from the subscriptions' histories alone (never from Stripe), so a report of the past gives the same
/// numbers whenever it is asked: MRR at the end of each period, the movements in it, churn, ARPA and LTV, customers by
/// state. MRR at the end of a period is MRR at the end of the one before plus the period's movements, exactly.
/// </summary>
public static class PortfolioReports
{
    /// <summary>The average month, in days, that turns a period's churn rate into a monthly one.</summary>
    private const decimal DaysPerMonth = 365.25m / 12;

    /// <summary>The report's periods, each from its first day to the next period's first day (excluded).</summary>
    public static IReadOnlyList<(DateOnly Start, DateOnly End)> Periods(ReportRequest request)
    {
        var start = request.Interval switch
        {
            ReportInterval.Day => request.From,
            ReportInterval.Week => request.From.AddDays(-(((int)request.From.DayOfWeek + 6) % 7)),
            _ => new DateOnly(request.From.Year, request.From.Month, 1),
        };
        var periods = new List<(DateOnly, DateOnly)>();
        while (start <= request.To)
        {
            var end = request.Interval switch
            {
                ReportInterval.Day => start.AddDays(1),
                ReportInterval.Week => start.AddDays(7),
                _ => start.AddMonths(1),
            };
            periods.Add((start, end));
            start = end;
        }

        return periods;
    }

    /// <summary>The moment a day begins (UTC).</summary>
    public static DateTimeOffset Beginning(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static PortfolioReport Compute(ReportRequest request, IEnumerable<IReadOnlyList<ReportingEntry>> subscriptions, ReportingOptions options)
    {
        var periods = Periods(request);
        var until = Beginning(periods[^1].End).AddTicks(-1);
        var atEnd = new Dictionary<(int Period, string Currency), (long Mrr, int Customers)>();
        var atStart = new Dictionary<(int Period, string Currency), (long Mrr, int Customers)>();
        var moved = new Dictionary<(int Period, string Currency, MovementKind Kind), (long Amount, int Customers)>();
        var churned = new Dictionary<(int Period, string Currency), int>();
        var states = new Dictionary<(int Period, SubscriptionState State), int>();
        var dunning = new Dictionary<(int Period, string Currency), (int Opened, int Recovered, int Canceled, long Saved)>();
        var trials = new Dictionary<int, (int Started, int Converted)>();
        foreach (var history in subscriptions)
        {
            if (history.Count == 0)
            {
                continue;
            }

            var points = MrrTimeline.Of(history, options, until);
            CountEpisodes(history, periods, dunning, trials);
            for (var p = 0; p < periods.Count; p++)
            {
                if (MrrTimeline.At(points, Beginning(periods[p].Start).AddTicks(-1)) is { MrrMinor: > 0 } first)
                {
                    Add(atStart, (p, first.Currency!), first.MrrMinor);
                }

                if (MrrTimeline.At(points, Beginning(periods[p].End).AddTicks(-1)) is { } last)
                {
                    states[(p, last.State)] = states.GetValueOrDefault((p, last.State)) + 1;
                    if (last.MrrMinor > 0)
                    {
                        Add(atEnd, (p, last.Currency!), last.MrrMinor);
                    }
                }
            }

            var churnedIn = new HashSet<(int, string)>();
            foreach (var movement in MrrMovements.Of(history[0].SubscriptionKey, history[0].ProductId, points))
            {
                if (PeriodOf(periods, movement.Day) is not { } p)
                {
                    continue;
                }

                var (amount, customers) = moved.GetValueOrDefault((p, movement.Currency, movement.Kind));
                moved[(p, movement.Currency, movement.Kind)] = (amount + movement.AmountMinor, customers + 1);
                if (movement.Kind == MovementKind.Churn && churnedIn.Add((p, movement.Currency)))
                {
                    churned[(p, movement.Currency)] = churned.GetValueOrDefault((p, movement.Currency)) + 1;
                }
            }
        }

        bool Wanted(string currency) => request.Currency is null || request.Currency == currency;
        var currencies = atEnd.Keys.Select(k => k.Currency).Concat(atStart.Keys.Select(k => k.Currency)).Concat(moved.Keys.Select(k => k.Currency))
            .Where(Wanted).Distinct().Order(StringComparer.Ordinal).ToList();

        var mrr = new List<MrrRow>();
        var movements = new List<MovementRow>();
        var churn = new List<ChurnRow>();
        for (var p = 0; p < periods.Count; p++)
        {
            foreach (var currency in currencies)
            {
                var (endMrr, endCustomers) = atEnd.GetValueOrDefault((p, currency));
                var (startMrr, startCustomers) = atStart.GetValueOrDefault((p, currency));
                mrr.Add(new MrrRow(periods[p].Start, currency, endMrr, endCustomers));
                foreach (var kind in Enum.GetValues<MovementKind>())
                {
                    if (moved.TryGetValue((p, currency, kind), out var m))
                    {
                        movements.Add(new MovementRow(periods[p].Start, currency, kind, m.Amount, m.Customers));
                    }
                }

                long Lost(MovementKind kind) => -moved.GetValueOrDefault((p, currency, kind)).Amount;
                long Won(MovementKind kind) => moved.GetValueOrDefault((p, currency, kind)).Amount;
                var churnedCustomers = churned.GetValueOrDefault((p, currency));
                decimal? subscriberRate = startCustomers > 0 ? (decimal)churnedCustomers / startCustomers : null;
                decimal? Rate(long amount) => startMrr > 0 ? (decimal)amount / startMrr : null;
                long? arpa = endCustomers > 0 ? (long)Math.Round((decimal)endMrr / endCustomers, MidpointRounding.AwayFromZero) : null;
                var days = periods[p].End.DayNumber - periods[p].Start.DayNumber;
                var monthlyRate = subscriberRate * DaysPerMonth / days;
                long? ltv = arpa is { } a && monthlyRate is > 0 ? (long)Math.Round(a / monthlyRate.Value, MidpointRounding.AwayFromZero) : null;
                churn.Add(new ChurnRow(
                    periods[p].Start, currency, startCustomers, churnedCustomers, subscriberRate, startMrr,
                    Lost(MovementKind.Churn), Lost(MovementKind.Contraction), Won(MovementKind.Expansion), Won(MovementKind.Reactivation),
                    Rate(Lost(MovementKind.Churn) + Lost(MovementKind.Contraction)),
                    Rate(Lost(MovementKind.Churn) + Lost(MovementKind.Contraction) - Won(MovementKind.Expansion) - Won(MovementKind.Reactivation)),
                    endMrr, endCustomers, arpa, ltv));
            }
        }

        var stateRows = states.OrderBy(s => s.Key.Period).ThenBy(s => s.Key.State)
            .Select(s => new StateCountRow(periods[s.Key.Period].Start, s.Key.State, s.Value)).ToList();
        var dunningRows = dunning.Where(d => Wanted(d.Key.Currency)).OrderBy(d => d.Key.Period).ThenBy(d => d.Key.Currency, StringComparer.Ordinal)
            .Select(d => new DunningRow(
                periods[d.Key.Period].Start, d.Key.Currency, d.Value.Opened, d.Value.Recovered, d.Value.Canceled,
                d.Value.Opened > 0 ? (decimal)d.Value.Recovered / d.Value.Opened : null, d.Value.Saved))
            .ToList();
        var trialRows = trials.OrderBy(t => t.Key)
            .Select(t => new TrialRow(periods[t.Key].Start, t.Value.Started, t.Value.Converted, t.Value.Started > 0 ? (decimal)t.Value.Converted / t.Value.Started : null))
            .ToList();
        return new PortfolioReport(request, mrr, movements, churn, stateRows, dunningRows, trialRows);
    }

    /// <summary>
    /// Dunning episodes (opened by <c>PaymentFailed</c>, recovered by <c>PaymentRecovered</c>, ended by <c>DunningExhausted</c>) in the
    /// currency of the terms then, with the MRR a recovery kept; and trials (<c>TrialStarted</c>, <c>TrialConverted</c>).
    /// </summary>
    private static void CountEpisodes(
        IReadOnlyList<ReportingEntry> history, IReadOnlyList<(DateOnly Start, DateOnly End)> periods,
        Dictionary<(int Period, string Currency), (int Opened, int Recovered, int Canceled, long Saved)> dunning, Dictionary<int, (int Started, int Converted)> trials)
    {
        GrainInterfaces.Subscriptions.PriceTerms? terms = null;
        foreach (var entry in history)
        {
            terms = entry.TermsAfter ?? terms;
            if (PeriodOf(periods, DateOnly.FromDateTime(entry.OccurredAt.UtcDateTime)) is not { } p)
            {
                continue;
            }

            switch (entry.Name)
            {
                case nameof(LifecycleTransition.TrialStarted):
                    trials[p] = (trials.GetValueOrDefault(p).Started + 1, trials.GetValueOrDefault(p).Converted);
                    continue;
                case nameof(LifecycleTransition.TrialConverted):
                    trials[p] = (trials.GetValueOrDefault(p).Started, trials.GetValueOrDefault(p).Converted + 1);
                    continue;
            }

            if (terms is null || entry.Name is not (nameof(LifecycleTransition.PaymentFailed) or nameof(LifecycleTransition.PaymentRecovered) or nameof(LifecycleTransition.DunningExhausted)))
            {
                continue;
            }

            var (opened, recovered, canceled, saved) = dunning.GetValueOrDefault((p, terms.Currency));
            dunning[(p, terms.Currency)] = entry.Name switch
            {
                nameof(LifecycleTransition.PaymentFailed) => (opened + 1, recovered, canceled, saved),
                nameof(LifecycleTransition.PaymentRecovered) => (opened, recovered + 1, canceled, saved + MrrTimeline.Monthly(terms)),
                _ => (opened, recovered, canceled + 1, saved),
            };
        }
    }

    private static void Add(Dictionary<(int, string), (long Mrr, int Customers)> totals, (int, string) key, long mrr)
    {
        var (sum, customers) = totals.GetValueOrDefault(key);
        totals[key] = (sum + mrr, customers + 1);
    }

    private static int? PeriodOf(IReadOnlyList<(DateOnly Start, DateOnly End)> periods, DateOnly day)
    {
        for (var p = 0; p < periods.Count; p++)
        {
            if (day >= periods[p].Start && day < periods[p].End)
            {
                return p;
            }
        }

        return null;
    }
}
