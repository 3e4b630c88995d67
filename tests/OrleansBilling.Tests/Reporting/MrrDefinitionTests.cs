using CsCheck;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.Reporting;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using static OrleansBilling.GrainInterfaces.Lifecycle.SubscriptionState;

namespace OrleansBilling.Tests.Reporting;

/// <summary>
/// The reporting definitions (issue 13 §1), by hand: MRR normalised to a month and counted only for the states that
/// count, the five movements, churn, ARPA and LTV; and the property that ties them: MRR at the end of a period is MRR at
/// its start plus its movements, for any history.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class MrrDefinitionTests
{
    private static readonly DateTimeOffset Jan1 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ReportingOptions Defaults = new();

    [Theory]
    [InlineData(BillingInterval.Month, 2900, 1, 2900)]
    [InlineData(BillingInterval.Year, 12000, 1, 1000)]
    [InlineData(BillingInterval.Year, 29900, 1, 2492)]
    [InlineData(BillingInterval.Week, 1000, 1, 4333)]
    [InlineData(BillingInterval.Day, 100, 1, 3042)]
    [InlineData(BillingInterval.Month, 900, 3, 2700)]
    public void Mrr_is_the_amount_times_the_quantity_normalised_to_a_month(BillingInterval interval, long amount, int quantity, long monthly) =>
        Assert.Equal(monthly, MrrTimeline.Monthly(new PriceTerms("p", amount, "usd", interval, quantity)));

    [Fact]
    public void A_permanent_discount_lowers_mrr_and_a_temporary_one_does_not()
    {
        var pro = new PriceTerms("pro", 2900, "usd", BillingInterval.Month, 2);
        var quarterOff = new PriceDiscount("di_1", "QUARTER", DiscountDuration.Forever, PercentOff: 25m);
        var fiveOff = new PriceDiscount("di_2", "FIVE", DiscountDuration.Forever, AmountOffMinor: 500, Currency: "usd");

        // 2 × 29.00 = 58.00; 25% off forever: 43.50; then 5.00 off each invoice: 38.50. In the other order: 39.75.
        Assert.Equal(4350, MrrTimeline.Monthly(pro with { Discounts = [quarterOff] }));
        Assert.Equal(3850, MrrTimeline.Monthly(pro with { Discounts = [quarterOff, fiveOff] }));
        Assert.Equal(3975, MrrTimeline.Monthly(pro with { Discounts = [fiveOff, quarterOff] }));

        // Half off once, or for three months, ends: the recurring revenue is the price.
        Assert.Equal(5800, MrrTimeline.Monthly(pro with { Discounts = [new PriceDiscount("di_3", "HALF", DiscountDuration.Once, PercentOff: 50m)] }));
        Assert.Equal(5800, MrrTimeline.Monthly(pro with { Discounts = [new PriceDiscount("di_4", "HALF3", DiscountDuration.Repeating, PercentOff: 50m, End: Jan1.AddMonths(3))] }));

        // An amount off each invoice of a year is a twelfth a month; one in another currency takes nothing; none goes below zero.
        Assert.Equal(1583, MrrTimeline.Monthly(new PriceTerms("annual", 20000, "usd", BillingInterval.Year) { Discounts = [new PriceDiscount("di_5", "YEAR", DiscountDuration.Forever, AmountOffMinor: 1000, Currency: "usd")] }));
        Assert.Equal(5800, MrrTimeline.Monthly(pro with { Discounts = [fiveOff with { Currency = "eur" }] }));
        Assert.Equal(0, MrrTimeline.Monthly(pro with { Discounts = [fiveOff with { AmountOffMinor = 100_000 }] }));
    }

    [Fact]
    public void Terms_are_equal_when_their_discounts_are_equal_in_order()
    {
        var pro = new PriceTerms("pro", 2900, "usd", BillingInterval.Month);
        var a = new PriceDiscount("di_1", "A", DiscountDuration.Forever, PercentOff: 10m);
        var b = new PriceDiscount("di_2", "B", DiscountDuration.Once, PercentOff: 20m);

        Assert.Equal(pro with { Discounts = [a, b] }, pro with { Discounts = new List<PriceDiscount> { a, b } });
        Assert.NotEqual(pro with { Discounts = [a, b] }, pro with { Discounts = [b, a] });
        Assert.NotEqual(pro, pro with { Discounts = [a] });
        Assert.Same(pro, pro.Billed(1, []));
    }

    [Theory]
    [InlineData(Active, true)]
    [InlineData(PastDue, true)]
    [InlineData(Canceling, true)]
    [InlineData(Trialing, false)]
    [InlineData(Incomplete, false)]
    [InlineData(Suspended, false)]
    [InlineData(Paused, false)]
    [InlineData(Canceled, false)]
    public void By_default_active_past_due_and_canceling_count_and_trials_do_not(SubscriptionState state, bool counts) =>
        Assert.Equal(counts, MrrTimeline.CountsFor(state, Defaults) != TimeSpan.Zero);

    [Fact]
    public void A_customer_s_five_movements_add_up_to_its_mrr()
    {
        var history = History(
            (0, Trialing, Basic),
            (14, Active, Basic),
            (40, Active, Pro),
            (70, Active, Basic),
            (80, Canceling, null),
            (100, Canceled, null),
            (130, Active, Pro));

        var movements = MrrMovements.Of("demo/ana", "demo", MrrTimeline.Of(history, Defaults, Jan1.AddDays(200))).ToList();

        Assert.Equal(
            [
                (Day(14), MovementKind.New, 900L),
                (Day(40), MovementKind.Expansion, 2000L),
                (Day(70), MovementKind.Contraction, -2000L),
                (Day(100), MovementKind.Churn, -900L),
                (Day(130), MovementKind.Reactivation, 2900L),
            ],
            movements.Select(m => (m.Day, m.Kind, m.AmountMinor)));
        Assert.Equal(2900L, movements.Sum(m => m.AmountMinor));
    }

    [Fact]
    public void Churn_is_when_the_subscription_ends_or_when_the_cancel_is_scheduled_as_configured()
    {
        var history = History((0, Active, Basic), (10, Canceling, null), (31, Canceled, null));

        var atEnd = MrrMovements.Of("demo/ana", "demo", MrrTimeline.Of(history, Defaults, Jan1.AddDays(60))).Last();
        var atSchedule = MrrMovements.Of("demo/ana", "demo", MrrTimeline.Of(history, Defaults with { ChurnAt = ChurnMoment.CancellationScheduled }, Jan1.AddDays(60))).Last();

        Assert.Equal((Day(31), MovementKind.Churn), (atEnd.Day, atEnd.Kind));
        Assert.Equal((Day(10), MovementKind.Churn), (atSchedule.Day, atSchedule.Kind));
    }

    [Fact]
    public void A_past_due_customer_stops_counting_after_the_configured_time_and_a_recovery_is_a_reactivation()
    {
        var history = History((0, Active, Basic), (30, PastDue, null), (50, Active, null));
        var options = Defaults with { PastDueCountsFor = TimeSpan.FromDays(7) };

        var movements = MrrMovements.Of("demo/ana", "demo", MrrTimeline.Of(history, options, Jan1.AddDays(60))).ToList();
        var always = MrrMovements.Of("demo/ana", "demo", MrrTimeline.Of(history, Defaults, Jan1.AddDays(60))).ToList();

        Assert.Equal(
            [(Day(0), MovementKind.New, 900L), (Day(37), MovementKind.Churn, -900L), (Day(50), MovementKind.Reactivation, 900L)],
            movements.Select(m => (m.Day, m.Kind, m.AmountMinor)));
        Assert.Equal([(Day(0), MovementKind.New, 900L)], always.Select(m => (m.Day, m.Kind, m.AmountMinor)));
    }

    [Fact]
    public void Churn_arpa_and_ltv_of_a_month_computed_by_hand()
    {
        // January: four customers at 9.00 and one at 29.00 begin the month; in it one 9.00 customer churns, one upgrades to 29.00.
        var start = new DateTimeOffset(2025, 12, 15, 0, 0, 0, TimeSpan.Zero);
        IReadOnlyList<ReportingEntry>[] customers =
        [
            History("demo/a", start, (0, Active, Basic), (20, Canceled, null)),
            History("demo/b", start, (0, Active, Basic), (25, Active, Pro)),
            History("demo/c", start, (0, Active, Basic)),
            History("demo/d", start, (0, Active, Basic)),
            History("demo/e", start, (0, Active, Pro)),
        ];

        var report = PortfolioReports.Compute(new ReportRequest(null, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), ReportInterval.Month, null), customers, Defaults);

        var january = Assert.Single(report.Churn);
        Assert.Equal((5, 1, 0.2m), (january.CustomersAtStart, january.ChurnedCustomers, january.SubscriberChurnRate));
        Assert.Equal((6500L, 900L, 0L, 2000L, 0L), (january.MrrAtStart, january.ChurnedMrr, january.ContractionMrr, january.ExpansionMrr, january.ReactivationMrr));
        Assert.Equal((900m / 6500, -1100m / 6500), (january.GrossRevenueChurnRate, january.NetRevenueChurnRate));
        Assert.Equal((7600L, 4, 1900L), (january.MrrAtEnd, january.CustomersAtEnd, january.ArpaMinor));

        // January has 31 days: the monthly rate is 0.2 × 30.4375 / 31; LTV = 1900 ÷ that.
        Assert.Equal((long)Math.Round(1900 / (0.2m * (365.25m / 12) / 31), MidpointRounding.AwayFromZero), january.LtvMinor);
        Assert.Equal(new MrrRow(new DateOnly(2026, 1, 1), "usd", 7600, 4), Assert.Single(report.Mrr));
        Assert.Equal([(Active, 4), (Canceled, 1)], report.States.Select(s => (s.State, s.Customers)));
    }

    [Fact]
    public void A_trial_converts_when_the_customer_first_becomes_active_even_through_a_failed_first_charge()
    {
        var events = ReportFacts.Of(
            History(
                (0, Trialing, Pro),
                (14, PastDue, null),
                (16, Active, null),
                (40, Canceled, null),
                (70, Trialing, Pro),
                (84, Active, null)),
            Defaults).Events;

        Assert.Equal(
            [
                (Day(0), ReportEventKind.TrialStarted),
                (Day(16), ReportEventKind.TrialConverted),
                (Day(70), ReportEventKind.TrialStarted),
                (Day(84), ReportEventKind.TrialConverted),
            ],
            events.Select(e => (e.Day, e.Kind)));
    }

    [Fact]
    public void Without_churn_ltv_is_not_given()
    {
        var report = PortfolioReports.Compute(
            new ReportRequest(null, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), ReportInterval.Month, null),
            [History((0, Active, Basic))], Defaults);

        Assert.Null(Assert.Single(report.Churn).LtvMinor);
    }

    [Fact]
    public void The_portfolio_total_converts_each_currency_at_its_rate_in_force_and_is_not_given_without_one()
    {
        var report = PortfolioReports.Compute(
            new ReportRequest(null, new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31), ReportInterval.Month, null),
            [History("demo/a", Jan1, (0, Active, Basic)), History("demo/b", Jan1, (0, Active, Euro)), History("demo/c", Jan1, (40, Active, Euro))],
            Defaults);
        var rates = new ExchangeRateOptions
        {
            Currency = "usd",
            Rates = new() { ["eur"] = new() { ["2026-02-01"] = 1.1m, ["2026-03-15"] = 1.2m } },
        };

        var totals = PortfolioReports.Totals(report, rates);

        // January: no euro rate yet. February (b, and c from the 10th): 9.00 + 2 × 8.00 × 1.1. March (the rate of the 15th in force on the 31st): 9.00 + 2 × 8.00 × 1.2.
        Assert.Equal(
            [(new DateOnly(2026, 1, 1), (long?)null, "eur"), (new DateOnly(2026, 2, 1), 900 + 1760, ""), (new DateOnly(2026, 3, 1), 900 + 1920, "")],
            totals.Select(t => (t.Period, t.MrrMinor, string.Join(",", t.MissingRates))));
        Assert.Empty(PortfolioReports.Totals(report, new ExchangeRateOptions()));
    }

    [Fact]
    public void The_total_converts_between_currencies_with_different_decimals()
    {
        var yen = new PriceTerms("yen", 1500, "jpy", BillingInterval.Month);
        var report = PortfolioReports.Compute(
            new ReportRequest(null, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), ReportInterval.Month, null),
            [History("demo/a", Jan1, (0, Active, Basic)), History("demo/y", Jan1, (0, Active, yen))],
            Defaults);

        // 1500 yen at 0.0065 dollars a yen is 9.75 dollars (975 cents), beside basic's 9.00.
        var total = PortfolioReports.Totals(report, new ExchangeRateOptions { Currency = "usd", Rates = new() { ["jpy"] = new() { ["2026-01-01"] = 0.0065m } } });

        Assert.Equal(900 + 975, Assert.Single(total).MrrMinor);
    }

    [Fact]
    public void Leaving_out_the_entries_that_change_neither_state_nor_terms_changes_no_figure()
    {
        // Histories as the lifecycle writes them: each entry starts from the state it was in and the terms in force;
        // transitions carry the terms after, facts only when they change them; dunning is named by the change of state.
        var states = Gen.OneOf(Trialing, Active, PastDue, Suspended, Paused, Canceling, Canceled, Incomplete);
        var terms = Gen.OneOf<PriceTerms?>(null, Basic, Pro, Yearly, Euro, Pro with { Discounts = [new PriceDiscount("di_1", "Q", DiscountDuration.Forever, PercentOff: 25m)] });
        var step = Gen.Select(Gen.Int[0, 9], Gen.Bool, states, terms);
        var options = Gen.Select(Gen.Bool, Gen.OneOf<int?>(null, 0, 3), Gen.Int[0, 4], (atSchedule, pastDue, suspended) => new ReportingOptions
        {
            ChurnAt = atSchedule ? ChurnMoment.CancellationScheduled : ChurnMoment.SubscriptionEnds,
            PastDueCountsFor = pastDue is { } d ? TimeSpan.FromDays(d) : null,
            SuspendedCountsFor = TimeSpan.FromDays(suspended),
        });
        Gen.Select(step.Array[1, 25], options).Sample((steps, settings) =>
        {
            var (state, inForce, at) = (None, (PriceTerms?)null, Jan1);
            var written = new List<HistoryEntry>();
            foreach (var (days, transition, to, changed) in steps)
            {
                at = at.AddDays(days).AddHours(1);
                var next = transition ? to : state;
                var after = transition ? changed ?? inForce : changed;
                written.Add(new HistoryEntry(written.Count + 1, at, transition ? HistoryKind.Transition : HistoryKind.Fact, Named(state, next), state, next, "test", null, inForce, after));
                (state, inForce) = (next, after ?? inForce);
            }

            // Against what reports read before: every transition and every fact with terms (a fact before any transition,
            // in no state, was never read).
            var transitionsAndTerms = written.Where(e => e.Kind == HistoryKind.Transition || e.TermsAfter is not null);
            Assert.Equal(Facts(transitionsAndTerms, settings), Facts(written.Where(ReportFacts.Reads), settings));
        });

        static string Named(SubscriptionState from, SubscriptionState to) => (from, to) switch
        {
            (not PastDue, PastDue) => nameof(LifecycleTransition.PaymentFailed),
            (PastDue or Suspended, Active) => nameof(LifecycleTransition.PaymentRecovered),
            (PastDue or Suspended, Canceled) => nameof(LifecycleTransition.DunningExhausted),
            _ when from == to => nameof(LifecycleTransition.Renewed),
            _ => "Changed",
        };

        static string Facts(IEnumerable<HistoryEntry> entries, ReportingOptions options) => System.Text.Json.JsonSerializer.Serialize(ReportFacts.Of(
            [.. entries.Select(e => new ReportingEntry("demo/c", "demo", e.Sequence, e.OccurredAt, e.From, e.To, e.TermsAfter, e.Name, e.Actor))], options));
    }

    [Fact]
    public void Mrr_at_each_period_s_end_is_the_last_one_s_plus_its_movements_for_any_history()
    {
        var states = Gen.OneOf(Trialing, Active, PastDue, Suspended, Paused, Canceling, Canceled, Incomplete);
        var terms = Gen.OneOf<PriceTerms?>(null, Basic, Pro, Yearly, Euro);
        var step = Gen.Select(Gen.Int[0, 20], states, terms);
        var options = Gen.Select(Gen.Bool, Gen.OneOf<int?>(null, 0, 3, 10), Gen.Int[0, 5],
            (atSchedule, pastDue, suspended) => new ReportingOptions
            {
                ChurnAt = atSchedule ? ChurnMoment.CancellationScheduled : ChurnMoment.SubscriptionEnds,
                PastDueCountsFor = pastDue is { } d ? TimeSpan.FromDays(d) : null,
                SuspendedCountsFor = TimeSpan.FromDays(suspended),
            });
        var customers = step.Array[1, 12].Array[1, 6];
        Gen.Select(customers, options, Gen.OneOf(ReportInterval.Day, ReportInterval.Week, ReportInterval.Month)).Sample((histories, settings, interval) =>
        {
            var subscriptions = histories.Select((steps, i) =>
            {
                var day = 0;
                return History($"demo/c{i}", Jan1, [.. steps.Select(s => (day += s.Item1, s.Item2, s.Item3))]);
            }).ToList();
            var request = new ReportRequest(null, new DateOnly(2026, 1, 10), new DateOnly(2026, 4, 30), interval, null);

            var report = PortfolioReports.Compute(request, subscriptions, settings);

            foreach (var row in report.Churn)
            {
                var moved = report.Movements.Where(m => m.Period == row.Period && m.Currency == row.Currency).Sum(m => m.AmountMinor);
                Assert.Equal(row.MrrAtStart + moved, row.MrrAtEnd);
            }

            foreach (var (earlier, later) in report.Churn.Zip(report.Churn.Skip(report.Churn.Count(r => r.Period == report.Churn[0].Period))))
            {
                Assert.Equal(earlier.Currency, later.Currency);
                Assert.Equal(earlier.MrrAtEnd, later.MrrAtStart);
            }
        });
    }

    private static readonly PriceTerms Basic = new("basic", 900, "usd", BillingInterval.Month);
    private static readonly PriceTerms Pro = new("pro", 2900, "usd", BillingInterval.Month);
    private static readonly PriceTerms Yearly = new("yearly", 29900, "usd", BillingInterval.Year);
    private static readonly PriceTerms Euro = new("euro", 800, "eur", BillingInterval.Month);

    private static DateOnly Day(int days) => DateOnly.FromDateTime(Jan1.AddDays(days).UtcDateTime);

    private static IReadOnlyList<ReportingEntry> History(params (int Day, SubscriptionState To, PriceTerms? Terms)[] steps) => History("demo/ana", Jan1, steps);

    private static IReadOnlyList<ReportingEntry> History(string key, DateTimeOffset start, params (int Day, SubscriptionState To, PriceTerms? Terms)[] steps)
    {
        var state = None;
        return
        [
            .. steps.Select((s, i) =>
            {
                var entry = new ReportingEntry(key, "demo", i + 1, start.AddDays(s.Day).AddMinutes(i), state, s.To, s.Terms);
                state = s.To;
                return entry;
            }),
        ];
    }
}
