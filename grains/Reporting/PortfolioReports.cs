using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.GrainInterfaces.Subscriptions;

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
            if (PeriodOf(movement.Day) is not { } p)
            {
                continue;
            }

            AddMovements(p < 0 ? null : p, movement.Currency, movement.Kind, movement.AmountMinor, 1);
            if (p >= 0 && movement.Kind == MovementKind.Churn && churnedIn.Add((p, movement.Currency)))
            {
                Churned[(p, movement.Currency)] = Churned.GetValueOrDefault((p, movement.Currency)) + 1;
            }
        }

        foreach (var change in facts.States)
        {
            if (PeriodOf(change.Day) is { } p)
            {
                AddStateChanges(p < 0 ? null : p, change.Before, change.After, 1);
            }
        }

        foreach (var happened in facts.Events)
        {
            if (PeriodOf(happened.Day) is >= 0 and var p)
            {
                AddEvents(p, happened.Currency, happened.Kind, 1, happened.AmountMinor);
            }
        }
    }

    /// <summary>Movements of a kind in a period (null: before the first, into the opening).</summary>
    public void AddMovements(int? period, string currency, MovementKind kind, long amount, int count)
    {
        if (period is { } p)
        {
            var (sum, customers) = Moved.GetValueOrDefault((p, currency, kind));
            Moved[(p, currency, kind)] = (sum + amount, customers + count);
        }
        else
        {
            var (mrr, customers) = Opening.GetValueOrDefault(currency);
            Opening[currency] = (mrr + amount, customers + (CustomerStep(kind) * count));
        }
    }

    /// <summary>Customers moving from one state to another in a period (null: before the first); no state before on a customer's first day.</summary>
    public void AddStateChanges(int? period, SubscriptionState? before, SubscriptionState after, int count)
    {
        void Step(SubscriptionState state, int delta)
        {
            if (period is { } p)
            {
                StateChanges[(p, state)] = StateChanges.GetValueOrDefault((p, state)) + delta;
            }
            else
            {
                OpeningStates[state] = OpeningStates.GetValueOrDefault(state) + delta;
            }
        }

        if (before is { } left)
        {
            Step(left, -count);
        }

        Step(after, count);
    }

    /// <summary>Dunning or trial events of a kind in a period; a recovery's amount is the MRR it kept.</summary>
    public void AddEvents(int period, string? currency, ReportEventKind kind, int count, long amount)
    {
        if (kind is ReportEventKind.TrialStarted or ReportEventKind.TrialConverted)
        {
            var (started, converted) = Trials.GetValueOrDefault(period);
            Trials[period] = kind == ReportEventKind.TrialStarted ? (started + count, converted) : (started, converted + count);
            return;
        }

        var (opened, recovered, canceled, saved) = Dunning.GetValueOrDefault((period, currency!));
        Dunning[(period, currency!)] = kind switch
        {
            ReportEventKind.DunningOpened => (opened + count, recovered, canceled, saved),
            ReportEventKind.DunningRecovered => (opened, recovered + count, canceled, saved + amount),
            _ => (opened, recovered, canceled + count, saved),
        };
    }

    /// <summary>How a movement changes the number of customers counting.</summary>
    public static int CustomerStep(MovementKind kind) => kind switch
    {
        MovementKind.New or MovementKind.Reactivation => 1,
        MovementKind.Churn => -1,
        _ => 0,
    };
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

    /// <summary>
    /// The portfolio's MRR at each period's end in the reporting currency: each currency's MRR times its rate in force
    /// on the period's last day, rounded to the minor unit per currency; empty without a reporting currency; a period
    /// with a currency lacking a rate has no total and names it. (Asked for one currency, the report has no total.)
    /// </summary>
    public static IReadOnlyList<TotalRow> Totals(PortfolioReport report, ExchangeRateOptions rates)
    {
        if (rates.Currency is not { } reporting || report.Request.Currency is not null)
        {
            return [];
        }

        var ends = Periods(report.Request).ToDictionary(p => p.Start, p => p.End);
        return
        [
            .. report.Mrr.GroupBy(r => r.Period).Select(period =>
            {
                var lastDay = ends[period.Key].AddDays(-1);
                var converted = period.Where(r => r.MrrMinor != 0).Select(r => (r.Currency, Rate: rates.RateOf(r.Currency, lastDay), r.MrrMinor)).ToList();
                var missing = converted.Where(c => c.Rate is null).Select(c => c.Currency).ToList();
                long? total = missing.Count > 0
                    ? null
                    : converted.Sum(c => (long)Math.Round(
                        Money.Major(c.MrrMinor, c.Currency) * c.Rate!.Value * Money.MinorPerMajor(reporting), MidpointRounding.AwayFromZero));
                return new TotalRow(period.Key, reporting, total, missing);
            }),
        ];
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
