using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Reporting;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Grains.Reporting;
using OrleansBilling.Silo.Database;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// The reporting tables (issue 13 §2): kept by the projector as the history is published, a subscription at a time, they
/// give the same report as a rebuild from the whole history, for random histories published in pieces, whatever the
/// period, interval and definitions; and changed definitions make the projector compute everything again.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class ReportingTablesOnPostgresTests(ReadModelDatabaseFixture fixture) : IClassFixture<ReadModelDatabaseFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly PriceTerms?[] Terms =
    [
        new PriceTerms("basic", 900, "usd", BillingInterval.Month),
        new PriceTerms("pro", 2900, "usd", BillingInterval.Month),
        new PriceTerms("yearly", 29900, "usd", BillingInterval.Year),
        new PriceTerms("euro", 800, "eur", BillingInterval.Month, 2),
        new PriceTerms("pro", 2900, "usd", BillingInterval.Month) { Discounts = [Loyal] },
    ];

    private static PriceDiscount Loyal => new("di_loyal", "LOYAL", DiscountDuration.Forever, PercentOff: 20m);

    private static readonly (string Name, SubscriptionState To)[] Steps =
    [
        (nameof(LifecycleTransition.TrialStarted), SubscriptionState.Trialing),
        (nameof(LifecycleTransition.Activated), SubscriptionState.Active),
        (nameof(LifecycleTransition.TrialConverted), SubscriptionState.Active),
        (nameof(LifecycleTransition.PlanChanged), SubscriptionState.Active),
        (nameof(LifecycleTransition.PaymentFailed), SubscriptionState.PastDue),
        (nameof(LifecycleTransition.AccessSuspended), SubscriptionState.Suspended),
        (nameof(LifecycleTransition.PaymentRecovered), SubscriptionState.Active),
        (nameof(LifecycleTransition.DunningExhausted), SubscriptionState.Canceled),
        (nameof(LifecycleTransition.CancelScheduled), SubscriptionState.Canceling),
        (nameof(LifecycleTransition.Canceled), SubscriptionState.Canceled),
        (nameof(LifecycleTransition.WonBack), SubscriptionState.Active),
        (nameof(LifecycleTransition.Paused), SubscriptionState.Paused),
    ];

    public static TheoryData<string> Definitions => ["defaults", "churn when scheduled, past due counts a week, suspended three days"];

    [Theory]
    [MemberData(nameof(Definitions))]
    public async Task The_tables_kept_as_the_history_is_published_give_the_same_reports_as_a_rebuild(string definitions)
    {
        var options = definitions == "defaults"
            ? new ReportingOptions()
            : new ReportingOptions { ChurnAt = ChurnMoment.CancellationScheduled, PastDueCountsFor = TimeSpan.FromDays(7), SuspendedCountsFor = TimeSpan.FromDays(3) };
        var projector = new ReportingProjector(fixture.DataSource, Options.Create(options), NullLogger<ReportingProjector>.Instance);
        var tables = new PostgresReportTotals(fixture.DataSource);
        var rebuild = new RebuiltReportTotals(fixture.Writer, Options.Create(options));
        // Past the table's steps: a fact reports do not read (an invoice paid; a piece of only those is marked, not
        // computed), and one that changes the terms (a discount or quantity from Stripe), which they do.
        var step = Gen.Select(Gen.Int[0, 12], Gen.Int[0, Steps.Length + 1], Gen.Int[-1, Terms.Length - 1]);
        var customers = step.Array[1, 10].Array[1, 5];
        var request = Gen.Select(Gen.Int[0, 60], Gen.Int[1, 200], Gen.OneOf(ReportInterval.Day, ReportInterval.Week, ReportInterval.Month), Gen.OneOf<string?>(null, "usd", "eur"));

        await Gen.Select(customers, request.Array[3], Gen.Int[1, 3]).SampleAsync(
            async (histories, requests, pieces) =>
            {
                var product = $"p{Guid.NewGuid():N}"[..20];
                await PublishAsync(product, histories, pieces, projector);
                await projector.CatchUpAsync(TestContext.Current.CancellationToken);

                foreach (var (from, length, interval, currency) in requests)
                {
                    var first = DateOnly.FromDateTime(Start.UtcDateTime).AddDays(from);
                    var asked = new ReportRequest(product, first, first.AddDays(length), interval, currency);
                    var kept = PortfolioReports.Assemble(asked, await tables.ReadAsync(asked, TestContext.Current.CancellationToken));
                    var rebuilt = PortfolioReports.Assemble(asked, await rebuild.ReadAsync(asked, TestContext.Current.CancellationToken));
                    Assert.Equal(JsonSerializer.Serialize(rebuilt), JsonSerializer.Serialize(kept));
                }
            },
            iter: 12);
    }

    [Fact]
    public async Task A_subscription_whose_history_cannot_be_read_stays_marked_and_the_others_are_computed()
    {
        var ct = TestContext.Current.CancellationToken;
        var product = $"p{Guid.NewGuid():N}"[..20];
        var (odd, good) = ($"{product}/odd", $"{product}/good");
        var projector = new ReportingProjector(fixture.DataSource, Options.Create(new ReportingOptions()), NullLogger<ReportingProjector>.Instance);

        // "odd" has an entry a newer version wrote, in a state this one does not know; "good" is an ordinary customer.
        await fixture.Writer.WriteAsync(new SubscriptionRow(odd, product, "odd", SubscriptionState.Active, "basic", null, null, null, null, 1, Start), [], ct);
        await using (var newer = fixture.DataSource.CreateCommand("""
            INSERT INTO billing.subscription_history (subscription_key, seq, product_id, customer_id, occurred_at, kind, name, from_state, to_state)
            VALUES ($1, 1, $2, 'odd', now(), 'transition', 'Hibernated', 'None', 'Hibernating')
            """))
        {
            newer.Parameters.Add(new NpgsqlParameter { Value = odd });
            newer.Parameters.Add(new NpgsqlParameter { Value = product });
            await newer.ExecuteNonQueryAsync(ct);
        }

        await fixture.Writer.WriteAsync(
            new SubscriptionRow(good, product, "good", SubscriptionState.Active, "basic", null, null, null, null, 1, Start),
            [new HistoryEntry(1, Start, HistoryKind.Transition, nameof(LifecycleTransition.Activated), SubscriptionState.None, SubscriptionState.Active, "test", null, null, Terms[0])],
            ct);

        // Catching up ends (the odd one is left out once it failed) and computes the good one.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(60));
        await projector.CatchUpAsync(bounded.Token);

        await using var marks = fixture.DataSource.CreateCommand("SELECT subscription_key, reported_version IS NOT NULL FROM billing.subscriptions WHERE product_id = $1 ORDER BY 1");
        marks.Parameters.Add(new NpgsqlParameter { Value = product });
        await using var reader = await marks.ExecuteReaderAsync(ct);
        var reported = new List<(string, bool)>();
        while (await reader.ReadAsync(ct))
        {
            reported.Add((reader.GetString(0), reader.GetBoolean(1)));
        }

        Assert.Equal([(good, true), (odd, false)], reported);
        var day = DateOnly.FromDateTime(Start.UtcDateTime);
        var asked = new ReportRequest(product, day, day, ReportInterval.Day, null);
        var report = PortfolioReports.Assemble(asked, await new PostgresReportTotals(fixture.DataSource).ReadAsync(asked, ct));
        Assert.Equal(900, Assert.Single(report.Mrr).MrrMinor);
    }

    /// <summary>Publishes each customer's history through the real writer in pieces, the projector running between some of them.</summary>
    private async Task PublishAsync(string product, (int Days, int Step, int Terms)[][] histories, int pieces, ReportingProjector projector)
    {
        for (var c = 0; c < histories.Length; c++)
        {
            var key = $"{product}/c{c}";
            var state = SubscriptionState.None;
            PriceTerms? terms = null;
            var at = Start;
            var entries = new List<HistoryEntry>();
            foreach (var (days, stepIndex, termsIndex) in histories[c])
            {
                at = at.AddDays(days).AddMinutes(7);
                if (stepIndex == Steps.Length)
                {
                    entries.Add(new HistoryEntry(entries.Count + 1, at, HistoryKind.Fact, nameof(HistoryFact.InvoicePaid), state, state, "test", null, Amount: new Money(900, "usd"), Fact: HistoryFact.InvoicePaid));
                    continue;
                }

                if (stepIndex == Steps.Length + 1)
                {
                    var updated = (terms ?? Terms[0]) with { Quantity = 1 + (termsIndex + 1) % 3, Discounts = termsIndex % 2 == 0 ? [Loyal] : [] };
                    entries.Add(new HistoryEntry(entries.Count + 1, at, HistoryKind.Fact, nameof(HistoryFact.SubscriptionUpdated), state, state, "test", "terms", terms, updated, Fact: HistoryFact.SubscriptionUpdated));
                    terms = updated;
                    continue;
                }

                var (name, to) = Steps[stepIndex];
                var before = terms;
                terms = termsIndex >= 0 ? Terms[termsIndex] : terms ?? Terms[0];
                entries.Add(new HistoryEntry(entries.Count + 1, at, HistoryKind.Transition, name, state, to, "test", null, before, terms));
                state = to;
            }

            var size = (entries.Count + pieces - 1) / pieces;
            for (var piece = 0; piece * size < entries.Count; piece++)
            {
                var published = entries.Skip(piece * size).Take(size).ToList();
                var row = new SubscriptionRow(key, product, $"c{c}", published[^1].To, published[^1].TermsAfter?.PlanId, null, null, null, null, piece + 1, published[^1].OccurredAt);
                await fixture.Writer.WriteAsync(row, published, TestContext.Current.CancellationToken);
                if (piece % 2 == 0)
                {
                    await projector.ProjectOnceAsync(TestContext.Current.CancellationToken);
                }
            }
        }
    }
}
