using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Reporting;

namespace OrleansBilling.Grains.Reporting;

/// <summary>
/// What a report adds up, by period: the MRR and customers counting before the first period, the movements, churned
/// customers, state changes and events in each. Filled from the customers' facts (<see cref="Add(ReportFacts)"/>), or
/// by PostgreSQL from the reporting tables; either way <see cref="PortfolioReports.Assemble"/> makes the same report.
/// </summary>
public sealed class ReportTotals(IReadOnlyList<(DateOnly Start, DateOnly End)> periods)
{
    public IReadOnlyList<(DateOnly Start, DateOnly End)> Periods { get; } = periods;

    public Dictionary<string, (long Mrr, int Customers)> Opening { get; } = new(StringComparer.Ordinal);

    public Dictionary<(int Period, string Currency, MovementKind Kind), (long Amount, int Customers)> Moved { get; } = [];

    public Dictionary<(int Period, string Currency), int> Churned { get; } = [];

    public Dictionary<SubscriptionState, int> OpeningStates { get; } = [];

    public Dictionary<(int Period, SubscriptionState State), int> StateChanges { get; } = [];

    public Dictionary<(int Period, string Currency), (int Opened, int Recovered, int Canceled, long Saved)> Dunning { get; } = [];

    public Dictionary<int, (int Started, int Converted)> Trials { get; } = [];

    /// <summary>The period a day falls in; -1 before the first; null after the last.</summary>
    public int? PeriodOf(DateOnly day)
    {
        if (day < Periods[0].Start)
        {
            return -1;
        }

        for (var p = 0; p < Periods.Count; p++)
        {
            if (day < Periods[p].End)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>Adds one customer's facts.</summary>
    public void Add(ReportFacts facts)
    {
        var churnedIn = new HashSet<(int, string)>();
        foreach (var movement in facts.Movements)
        {
            switch (PeriodOf(movement.Day))
            {
                case -1:
                    var (mrr, customers) = Opening.GetValueOrDefault(movement.Currency);
                    Opening[movement.Currency] = (mrr + movement.AmountMinor, customers + CustomerStep(movement.Kind));
                    break;
                case { } p:
                    var (amount, count) = Moved.GetValueOrDefault((p, movement.Currency, movement.Kind));
                    Moved[(p, movement.Currency, movement.Kind)] = (amount + movement.AmountMinor, count + 1);
                    if (movement.Kind == MovementKind.Churn && churnedIn.Add((p, movement.Currency)))
                    {
                        Churned[(p, movement.Currency)] = Churned.GetValueOrDefault((p, movement.Currency)) + 1;
                    }

                    break;
            }
        }

        foreach (var change in facts.States)
        {
            switch (PeriodOf(change.Day))
            {
                case -1:
                    Step(OpeningStates, change.Before, change.After);
                    break;
                case { } p:
                    if (change.Before is { } before)
                    {
                        StateChanges[(p, before)] = StateChanges.GetValueOrDefault((p, before)) - 1;
                    }

                    StateChanges[(p, change.After)] = StateChanges.GetValueOrDefault((p, change.After)) + 1;
                    break;
            }
        }

        foreach (var happened in facts.Events)
        {
            if (PeriodOf(happened.Day) is not (>= 0 and var p))
            {
                continue;
            }

            if (happened.Kind is ReportEventKind.TrialStarted or ReportEventKind.TrialConverted)
            {
                var (started, converted) = Trials.GetValueOrDefault(p);
                Trials[p] = happened.Kind == ReportEventKind.TrialStarted ? (started + 1, converted) : (started, converted + 1);
                continue;
            }

            var (opened, recovered, canceled, saved) = Dunning.GetValueOrDefault((p, happened.Currency!));
            Dunning[(p, happened.Currency!)] = happened.Kind switch
            {
                ReportEventKind.DunningOpened => (opened + 1, recovered, canceled, saved),
                ReportEventKind.DunningRecovered => (opened, recovered + 1, canceled, saved + happened.AmountMinor),
                _ => (opened, recovered, canceled + 1, saved),
            };
        }
    }

    /// <summary>How a movement changes the number of customers counting.</summary>
    public static int CustomerStep(MovementKind kind) => kind switch
    {
        MovementKind.New or MovementKind.Reactivation => 1,
        MovementKind.Churn => -1,
        _ => 0,
    };

    private static void Step(Dictionary<SubscriptionState, int> counts, SubscriptionState? before, SubscriptionState after)
    {
        if (before is { } left)
        {
            counts[left] = counts.GetValueOrDefault(left) - 1;
        }

        counts[after] = counts.GetValueOrDefault(after) + 1;
    }
}

/// <summary>
/// A report computed from the subscriptions' histories alone (never from Stripe), so a report of the past gives the same
/// numbers whenever it is asked: MRR at the end of each period, the movements in it, churn, ARPA and LTV, customers by
/// state, dunning and trials. MRR at the end of a period is MRR at the end of the one before plus the period's movements.
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

    /// <summary>The report from the customers' whole histories (the rebuild: what the reporting tables must agree with).</summary>
    public static PortfolioReport Compute(ReportRequest request, IEnumerable<IReadOnlyList<ReportingEntry>> subscriptions, ReportingOptions options)
    {
        var totals = new ReportTotals(Periods(request));
        foreach (var history in subscriptions)
        {
            totals.Add(ReportFacts.Of(history, options));
        }

        return Assemble(request, totals);
    }

    /// <summary>The report's rows from what it adds up.</summary>
    public static PortfolioReport Assemble(ReportRequest request, ReportTotals totals)
    {
        var periods = totals.Periods;
        bool Wanted(string currency) => request.Currency is null || request.Currency == currency;
        var currencies = totals.Opening.Where(o => o.Value != default).Select(o => o.Key).Concat(totals.Moved.Keys.Select(k => k.Currency))
            .Where(Wanted).Distinct().Order(StringComparer.Ordinal).ToList();

        var mrr = new List<MrrRow>();
        var movements = new List<MovementRow>();
        var churn = new List<ChurnRow>();
        var running = currencies.ToDictionary(c => c, c => totals.Opening.GetValueOrDefault(c));
        for (var p = 0; p < periods.Count; p++)
        {
            foreach (var currency in currencies)
            {
                var (startMrr, startCustomers) = running[currency];
                long Moved(MovementKind kind) => totals.Moved.GetValueOrDefault((p, currency, kind)).Amount;
                var (endMrr, endCustomers) = (startMrr, startCustomers);
                foreach (var kind in Enum.GetValues<MovementKind>())
                {
                    if (totals.Moved.TryGetValue((p, currency, kind), out var m))
                    {
                        movements.Add(new MovementRow(periods[p].Start, currency, kind, m.Amount, m.Customers));
                        (endMrr, endCustomers) = (endMrr + m.Amount, endCustomers + (ReportTotals.CustomerStep(kind) * m.Customers));
                    }
                }

                running[currency] = (endMrr, endCustomers);
                mrr.Add(new MrrRow(periods[p].Start, currency, endMrr, endCustomers));

                var churnedCustomers = totals.Churned.GetValueOrDefault((p, currency));
                decimal? subscriberRate = startCustomers > 0 ? (decimal)churnedCustomers / startCustomers : null;
                decimal? Rate(long amount) => startMrr > 0 ? (decimal)amount / startMrr : null;
                long? arpa = endCustomers > 0 ? (long)Math.Round((decimal)endMrr / endCustomers, MidpointRounding.AwayFromZero) : null;
                var days = periods[p].End.DayNumber - periods[p].Start.DayNumber;
                var monthlyRate = subscriberRate * DaysPerMonth / days;
                long? ltv = arpa is { } a && monthlyRate is > 0 ? (long)Math.Round(a / monthlyRate.Value, MidpointRounding.AwayFromZero) : null;
                var (lost, contracted) = (-Moved(MovementKind.Churn), -Moved(MovementKind.Contraction));
                churn.Add(new ChurnRow(
                    periods[p].Start, currency, startCustomers, churnedCustomers, subscriberRate, startMrr,
                    lost, contracted, Moved(MovementKind.Expansion), Moved(MovementKind.Reactivation),
                    Rate(lost + contracted), Rate(lost + contracted - Moved(MovementKind.Expansion) - Moved(MovementKind.Reactivation)),
                    endMrr, endCustomers, arpa, ltv));
            }
        }

        var stateRows = new List<StateCountRow>();
        var states = new Dictionary<SubscriptionState, int>(totals.OpeningStates);
        for (var p = 0; p < periods.Count; p++)
        {
            foreach (var ((period, state), delta) in totals.StateChanges.Where(s => s.Key.Period == p))
            {
                states[state] = states.GetValueOrDefault(state) + delta;
            }

            stateRows.AddRange(states.Where(s => s.Value != 0).OrderBy(s => s.Key).Select(s => new StateCountRow(periods[p].Start, s.Key, s.Value)));
        }

        var dunningRows = totals.Dunning.Where(d => Wanted(d.Key.Currency)).OrderBy(d => d.Key.Period).ThenBy(d => d.Key.Currency, StringComparer.Ordinal)
            .Select(d => new DunningRow(
                periods[d.Key.Period].Start, d.Key.Currency, d.Value.Opened, d.Value.Recovered, d.Value.Canceled,
                d.Value.Opened > 0 ? (decimal)d.Value.Recovered / d.Value.Opened : null, d.Value.Saved))
            .ToList();
        var trialRows = totals.Trials.OrderBy(t => t.Key)
            .Select(t => new TrialRow(periods[t.Key].Start, t.Value.Started, t.Value.Converted, t.Value.Started > 0 ? (decimal)t.Value.Converted / t.Value.Started : null))
            .ToList();
        return new PortfolioReport(request, mrr, movements, churn, stateRows, dunningRows, trialRows);
    }
}
