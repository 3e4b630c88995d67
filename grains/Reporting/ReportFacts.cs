using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;

namespace OrleansBilling.Grains.Reporting;

/// <summary>A customer's state at the end of a day where it differs from the day before; <see cref="Before"/> is null on the customer's first day.</summary>
public sealed record StateChange(DateOnly Day, string SubscriptionKey, string ProductId, SubscriptionState? Before, SubscriptionState After);

/// <summary>What reports count besides MRR: dunning episodes and trials, by the day of the entry.</summary>
public enum ReportEventKind
{
    DunningOpened,
    DunningRecovered,
    DunningCanceled,
    TrialStarted,
    TrialConverted,
}

/// <summary>A dunning or trial event of a customer on a day; a recovery carries the MRR it kept.</summary>
public sealed record ReportEvent(DateOnly Day, string SubscriptionKey, string ProductId, string? Currency, ReportEventKind Kind, long AmountMinor);

/// <summary>Everything the reports add up about one customer, from its whole history: movements, state changes and events.</summary>
public sealed record ReportFacts(IReadOnlyList<Movement> Movements, IReadOnlyList<StateChange> States, IReadOnlyList<ReportEvent> Events)
{
    /// <summary>
    /// Whether reports read an entry: one that changes the state or the terms. Every figure follows from those (MRR from
    /// state and terms, movements and state counts from MRR, trials from changes of state, dunning from transitions that
    /// always change state), so an entry that leaves both as they were (a renewal, an invoice fact, an email) adds
    /// nothing, and the PostgreSQL path (<c>PostgresReadModelWriter.ReportedRowSql</c>) leaves it out too. That holds for
    /// the history the lifecycle writes: each entry starts from the state it was in (<c>From</c>) and the terms in force
    /// (<c>TermsBefore</c>); a property test holds the figures to those of every transition and change of terms.
    /// </summary>
    public static bool Reads(HistoryEntry entry) =>
        entry.From != entry.To || (entry.TermsAfter is not null && entry.TermsAfter != entry.TermsBefore);

    /// <summary>
    /// A subscription's facts. Points are taken to the end of time, so a past-due customer's stop of counting is a
    /// movement on its own day whenever the report is asked; a report counts only what falls in its periods.
    /// </summary>
    public static ReportFacts Of(IReadOnlyList<ReportingEntry> history, GrainInterfaces.Reporting.ReportingOptions options)
    {
        if (history.Count == 0)
        {
            return new([], [], []);
        }

        var (key, product) = (history[0].SubscriptionKey, history[0].ProductId);
        var points = MrrTimeline.Of(history, options, DateTimeOffset.MaxValue);
        var movements = MrrMovements.Of(key, product, points).ToList();

        var states = new List<StateChange>();
        SubscriptionState? before = null;
        foreach (var day in points.GroupBy(p => DateOnly.FromDateTime(p.At.UtcDateTime)))
        {
            var after = day.Last().State;
            if (after != before)
            {
                states.Add(new StateChange(day.Key, key, product, before, after));
                before = after;
            }
        }

        var events = new List<ReportEvent>();
        PriceTerms? terms = null;
        var inTrial = false;
        foreach (var entry in history)
        {
            terms = entry.TermsAfter ?? terms;

            // A trial converts when the customer first reaches Active after it, directly or through a failed first
            // charge paid later; a trial entered again (a win-back into a trial) is a trial started again.
            var trialStarted = entry.To == SubscriptionState.Trialing && entry.From != SubscriptionState.Trialing && !inTrial;
            var trialConverted = inTrial && entry.To == SubscriptionState.Active;
            inTrial = (inTrial || trialStarted) && !trialConverted && entry.To is not (SubscriptionState.Canceled or SubscriptionState.None or SubscriptionState.Incomplete);
            var day = DateOnly.FromDateTime(entry.OccurredAt.UtcDateTime);
            if (trialStarted || trialConverted)
            {
                events.Add(new ReportEvent(day, key, product, null, trialStarted ? ReportEventKind.TrialStarted : ReportEventKind.TrialConverted, 0));
            }

            ReportEventKind? dunning = entry.Name switch
            {
                nameof(LifecycleTransition.PaymentFailed) => ReportEventKind.DunningOpened,
                nameof(LifecycleTransition.PaymentRecovered) => ReportEventKind.DunningRecovered,
                nameof(LifecycleTransition.DunningExhausted) => ReportEventKind.DunningCanceled,
                _ => null,
            };
            if (dunning is { } happened && terms is not null)
            {
                events.Add(new ReportEvent(day, key, product, terms.Currency, happened, happened == ReportEventKind.DunningRecovered ? MrrTimeline.Monthly(terms) : 0));
            }
        }

        return new ReportFacts(movements, states, events);
    }
}
