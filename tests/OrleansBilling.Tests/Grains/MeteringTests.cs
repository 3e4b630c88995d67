using Microsoft.Extensions.DependencyInjection;
using OrleansBilling.GrainInterfaces.Subscriptions;
using OrleansBilling.GrainInterfaces.Usage;
using OrleansBilling.Grains.Payments;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class MeteringTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{

    [Fact]
    public async Task Accepted_usage_counts_in_the_entitlements_and_a_repeat_counts_once()
    {
        var grain = await cluster.ActiveOnBasic("meter_1");

        var first = await cluster.UsageOf(grain).RecordUsage([Calls(40, "k1"), Calls(2, "k2")]);
        var again = await cluster.UsageOf(grain).RecordUsage([Calls(40, "k1")]);

        Assert.All(first, r => Assert.Equal(UsageOutcome.Accepted, r.Outcome));
        Assert.Equal(UsageOutcome.Duplicate, Assert.Single(again).Outcome);
        Assert.Equal(new MeterUsageView(42, 1000, 958), (await grain.GetEntitlements()).Meters["api_calls"]);
    }

    [Fact]
    public async Task Concurrent_posts_of_the_same_key_count_once()
    {
        var grain = await cluster.ActiveOnBasic("meter_concurrent");

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => cluster.UsageOf(grain).RecordUsage([Calls(5, "same")])));

        Assert.Equal(1, answers.Count(a => a[0].Outcome == UsageOutcome.Accepted));
        Assert.Equal(15, answers.Count(a => a[0].Outcome == UsageOutcome.Duplicate));
        Assert.Equal(5, (await grain.GetEntitlements()).Meters["api_calls"].Used);
    }

    [Fact]
    public async Task Each_event_gets_its_own_answer_in_order()
    {
        var grain = await cluster.ActiveOnBasic("meter_mixed");
        var now = cluster.Clock.GetUtcNow();

        var results = await cluster.UsageOf(grain).RecordUsage(
        [
            Calls(1, "ok"),
            new UsageEvent("bandwidth", 1, null, "unknown_meter"),
            Calls(-1, "negative"),
            Calls(0.0000001m, "seven_decimals"),
            Calls(1, "old") with { Timestamp = now.AddMonths(-3) },
            Calls(1, "future") with { Timestamp = now.AddHours(1) },
            Calls(7, "ok"),
            new UsageEvent("projects", 3, null, "projects_1"),
        ]);

        Assert.Equal(
            [UsageOutcome.Accepted, UsageOutcome.Rejected, UsageOutcome.Rejected, UsageOutcome.Rejected, UsageOutcome.Rejected, UsageOutcome.Rejected, UsageOutcome.Duplicate, UsageOutcome.Accepted],
            results.Select(r => r.Outcome));
        Assert.Equal(
            [null, UsageError.UnknownMeter, UsageError.InvalidQuantity, UsageError.InvalidQuantity, UsageError.OutsidePeriod, UsageError.OutsidePeriod, null, null],
            results.Select(r => r.Error));
        var meters = (await grain.GetEntitlements()).Meters;
        Assert.Equal(1, meters["api_calls"].Used);
        Assert.Equal(3, meters["projects"].Used);
    }

    [Fact]
    public async Task A_customer_without_a_subscription_has_no_period_to_count_in()
    {
        var result = Assert.Single(await cluster.UsageOf(cluster.Subscription("meter_nobody")).RecordUsage([Calls(1, "k")]));

        Assert.Equal(UsageError.NoBillingPeriod, result.Error);
        Assert.Empty(await cluster.Usage.UnsentAsync("demo", "meter_nobody", 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_renewal_starts_a_new_period_and_late_usage_still_counts_in_the_previous_one()
    {
        var grain = await cluster.ActiveOnBasic("meter_renewal");
        var view = await grain.GetSubscription();
        await cluster.UsageOf(grain).RecordUsage([Calls(300, "before")]);

        var renewedAt = view.CurrentPeriodEnd!.Value;
        cluster.Clock.Advance(renewedAt.AddMinutes(2) - cluster.Clock.GetUtcNow());
        var outcome = await grain.ApplyProviderEvent(new ProviderEvent(
            "evt_meter_renewal_paid", ProviderEventKind.InvoicePaid, renewedAt, ProviderSubscriptionId: "sub_meter_renewal",
            InvoiceId: "in_meter_renewal_2", AmountMinor: 900, PeriodStart: renewedAt, PeriodEnd: renewedAt.AddMonths(1)));
        Assert.Equal(EventOutcomeKind.Applied, outcome.Kind);
        Assert.Equal(0, (await grain.GetEntitlements()).Meters["api_calls"].Used);

        var late = Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(5, "late") with { Timestamp = renewedAt.AddMinutes(-1) }]));
        var fresh = Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(9, "fresh") with { Timestamp = renewedAt.AddMinutes(1) }]));

        Assert.Equal(view.CurrentPeriodStart, late.PeriodStart);
        Assert.Equal(renewedAt, fresh.PeriodStart);
        Assert.Equal(9, (await grain.GetEntitlements()).Meters["api_calls"].Used);
    }

    [Fact]
    public async Task Usage_survives_deactivation_and_duplicates_are_still_recognised()
    {
        var grain = await cluster.ActiveOnBasic("meter_survives");
        await cluster.UsageOf(grain).RecordUsage([Calls(12, "a"), Calls(30, "b")]);

        await cluster.Cluster.DeactivateAsync(grain);

        Assert.Equal(UsageOutcome.Duplicate, Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(12, "a")])).Outcome);
        Assert.Equal(42, (await grain.GetEntitlements()).Meters["api_calls"].Used);
    }

    [Fact]
    public async Task Usage_written_by_an_append_whose_answer_was_lost_still_counts_once()
    {
        var grain = await cluster.ActiveOnBasic("meter_lost_answer");
        cluster.Usage.LoseNextAnswer();

        await Assert.ThrowsAnyAsync<Exception>(() => cluster.UsageOf(grain).RecordUsage([Calls(6, "lost")]));
        var retried = Assert.Single(await cluster.UsageOf(grain).RecordUsage([Calls(6, "lost")]));

        // The product retries; the journal has the event, so it is a duplicate, and it counts.
        Assert.Equal(UsageOutcome.Duplicate, retried.Outcome);
        Assert.Equal(6, (await grain.GetEntitlements()).Meters["api_calls"].Used);
    }

    [Fact]
    public async Task Usage_is_forwarded_to_the_provider_with_a_stable_identifier_and_marked_sent()
    {
        var grain = await cluster.ActiveOnBasic("meter_forward");
        await cluster.UsageOf(grain).RecordUsage([Calls(4, "f1"), new UsageEvent("projects", 2, null, "f2")]);

        Assert.Equal(0, await cluster.UsageOf(grain).ForwardUsage());

        var sent = cluster.Payments.MeterEvents.Where(e => e.Identifier.StartsWith("demo/meter_forward/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["demo/meter_forward/f1", "demo/meter_forward/f2"], sent.Select(e => e.Identifier).Order(StringComparer.Ordinal));
        Assert.Equal(["demo_api_calls", "demo_projects"], sent.OrderBy(e => e.Identifier, StringComparer.Ordinal).Select(e => e.EventName));
        Assert.All(sent, e => Assert.StartsWith("cus_", e.ProviderCustomerId, StringComparison.Ordinal));
        Assert.Empty(await cluster.Usage.UnsentAsync("demo", "meter_forward", 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Once_the_journal_is_drained_usage_is_forwarded_as_its_appends_answered_it_without_reading_it_again()
    {
        var grain = await cluster.ActiveOnBasic("meter_memory");
        var usage = cluster.UsageOf(grain);
        await usage.RecordUsage([Calls(1, "m1")]);
        Assert.Equal(0, await usage.ForwardUsage());
        var reads = cluster.Usage.UnsentReads("meter_memory");

        await usage.RecordUsage([Calls(2, "m3"), Calls(3, "m2")]);
        await usage.RecordUsage([Calls(4, "m4")]);
        Assert.Equal(0, await usage.ForwardUsage());

        Assert.Equal(reads, cluster.Usage.UnsentReads("meter_memory"));
        Assert.Equal(
            [("demo/meter_memory/m1", 1m), ("demo/meter_memory/m2", 3m), ("demo/meter_memory/m3", 2m), ("demo/meter_memory/m4", 4m)],
            cluster.Payments.MeterEvents.Where(e => e.Identifier.StartsWith("demo/meter_memory/", StringComparison.Ordinal)).Select(e => (e.Identifier, e.Value)));
        Assert.Empty(await cluster.Usage.UnsentAsync("demo", "meter_memory", 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_full_batch_of_usage_is_forwarded_at_once_without_waiting_for_the_delay()
    {
        var grain = await cluster.ActiveOnBasic("meter_full");
        var usage = cluster.UsageOf(grain);
        await usage.RecordUsage([Calls(1, "first")]);
        Assert.Equal(0, await usage.ForwardUsage());
        int Sent() => cluster.Payments.MeterEvents.Count(e => e.Identifier.StartsWith("demo/meter_full/", StringComparison.Ordinal));

        await usage.RecordUsage([.. Enumerable.Range(0, 99).Select(i => Calls(1, $"k{i:00}"))]);
        cluster.Clock.Advance(TimeSpan.FromSeconds(14));
        await usage.RecordUsage([Calls(1, "k99")]);

        // The clock stands still: only the hundredth event makes the batch go.
        await Poll.UntilAsync(() => Sent() == 101, TimeSpan.FromSeconds(10), "the full batch to be forwarded without waiting");
    }

    [Fact]
    public async Task Usage_of_an_append_whose_answer_was_lost_is_read_from_the_journal_and_forwarded_with_what_follows()
    {
        var grain = await cluster.ActiveOnBasic("meter_lost_forward");
        var usage = cluster.UsageOf(grain);
        await usage.RecordUsage([Calls(1, "before")]);
        Assert.Equal(0, await usage.ForwardUsage());
        cluster.Usage.LoseNextAnswer();
        await Assert.ThrowsAnyAsync<Exception>(() => usage.RecordUsage([Calls(6, "lost")]));
        await usage.RecordUsage([Calls(2, "after")]);

        Assert.Equal(0, await usage.ForwardUsage());

        Assert.Equal(
            ["demo/meter_lost_forward/after", "demo/meter_lost_forward/before", "demo/meter_lost_forward/lost"],
            cluster.Payments.MeterEvents.Where(e => e.Identifier.StartsWith("demo/meter_lost_forward/", StringComparison.Ordinal)).Select(e => e.Identifier).Order(StringComparer.Ordinal));
        Assert.Empty(await cluster.Usage.UnsentAsync("demo", "meter_lost_forward", 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_busy_customers_usage_reminder_is_written_once_and_goes_once_a_minute_passed_without_usage()
    {
        var grain = await cluster.ActiveOnBasic("meter_reminder");
        var usage = cluster.UsageOf(grain);
        var reminders = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        async Task<ReminderEntry?> Wake() =>
            (await reminders.ReadRows(usage.GetGrainId(), TestContext.Current.CancellationToken)).Reminders.SingleOrDefault(r => r.ReminderName == "wake");

        await usage.RecordUsage([Calls(1, "r0")]);
        var written = Assert.IsType<ReminderEntry>(await Wake());
        for (var i = 1; i <= 10; i++)
        {
            // Usage every 15 s, forwarded by the grain itself, for longer than the reminder's first tick is away.
            Assert.Equal(0, await usage.ForwardUsage());
            cluster.Clock.Advance(TimeSpan.FromSeconds(15));
            await usage.RecordUsage([Calls(1, $"r{i}")]);
        }

        // The reminder standing in for the grain was neither removed nor written again while usage kept coming.
        Assert.Equal(written.ETag, (await Wake())?.ETag);
        await Poll.UntilAsync(
            async () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(10));
                return await Wake() is null;
            },
            TimeSpan.FromSeconds(30),
            "the reminder to go once a whole minute passed without usage");
        Assert.Equal(11, cluster.Payments.MeterEvents.Count(e => e.Identifier.StartsWith("demo/meter_reminder/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_failed_forward_keeps_the_usage_for_a_later_try()
    {
        var grain = await cluster.ActiveOnBasic("meter_retry");
        await cluster.UsageOf(grain).RecordUsage([Calls(4, "r1")]);
        cluster.Payments.FailNext(1);

        Assert.Equal(-1, await cluster.UsageOf(grain).ForwardUsage());
        Assert.Single(await cluster.Usage.UnsentAsync("demo", "meter_retry", 10, TestContext.Current.CancellationToken));

        Assert.Equal(0, await cluster.UsageOf(grain).ForwardUsage());
        Assert.Single(cluster.Payments.MeterEvents, e => e.Identifier == "demo/meter_retry/r1");
    }

    [Fact]
    public async Task The_forwarding_timer_sends_usage_without_being_asked()
    {
        var grain = await cluster.ActiveOnBasic("meter_timer");
        await cluster.UsageOf(grain).RecordUsage([Calls(1, "t1")]);

        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(1));
                return cluster.Payments.MeterEvents.Any(e => e.Identifier == "demo/meter_timer/t1");
            },
            TimeSpan.FromSeconds(10),
            "the timer to forward the usage");
    }

    [Fact]
    public async Task Usage_whose_append_was_still_under_way_when_a_forwarding_run_ended_is_forwarded_after()
    {
        var grain = await cluster.ActiveOnBasic("meter_overlap");
        var usage = cluster.UsageOf(grain);
        await usage.RecordUsage([Calls(1, "a")]);
        cluster.Usage.HoldNextAppend();
        var slow = usage.RecordUsage([Calls(2, "c")]);
        await cluster.Usage.Holding.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The forwarding timer runs beside the held append: it sends "a" and then finds the journal empty.
        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(1));
                return cluster.Payments.MeterEvents.Any(e => e.Identifier == "demo/meter_overlap/a") && cluster.Usage.EmptyUnsentReads("meter_overlap") > 0;
            },
            TimeSpan.FromSeconds(10),
            "a forwarding run to send the first event and find nothing more while the second append waits");
        cluster.Usage.Release();
        Assert.Equal(UsageOutcome.Accepted, Assert.Single(await slow).Outcome);

        await Poll.UntilAsync(
            () =>
            {
                cluster.Clock.Advance(TimeSpan.FromSeconds(10));
                return cluster.Payments.MeterEvents.Any(e => e.Identifier == "demo/meter_overlap/c");
            },
            TimeSpan.FromSeconds(20),
            "the usage appended during that run to be forwarded too");
    }

    [Fact]
    public void A_long_identifier_is_hashed_into_the_providers_100_characters()
    {
        var key = new string('k', 200);

        var identifier = OrleansBilling.Grains.Usage.UsageGrain.ProviderIdentifier("demo/c1", key);

        Assert.True(identifier.Length <= 100);
        Assert.Equal(identifier, OrleansBilling.Grains.Usage.UsageGrain.ProviderIdentifier("demo/c1", key));
        Assert.NotEqual(identifier, OrleansBilling.Grains.Usage.UsageGrain.ProviderIdentifier("demo/c2", key));
    }

    private UsageEvent Calls(decimal quantity, string key) => new("api_calls", quantity, null, key);
}
