using System.Globalization;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Usage;

/// <summary>
/// What every usage journal promises, whatever it stores in: each subclass runs these against one
/// implementation, so PostgreSQL and the in-memory default cannot drift apart.
/// </summary>
public abstract class UsageJournalContract
{
    protected const string Product = "demo";
    protected const string Meter = "api_calls";
    protected static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset April = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset Received = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The journal under test; shared by the tests of a class, which use their own customers.</summary>
    protected abstract IUsageJournal Journal { get; }

    [Fact]
    public async Task New_keys_are_answered_and_recorded()
    {
        var customer = NewCustomer();

        var added = await Journal.AppendAsync(Product, customer, [Event("k1", 2), Event("k2", 3)], Cancellation);

        Assert.Equal(["k1", "k2"], added.Keys());
        var totals = Assert.Single(await Journal.TotalsAsync(Product, customer, March, Cancellation));
        Assert.Equal((5m, 2L), (totals.Sum, totals.Count));
        Assert.Equal("5", totals.Sum.ToString(CultureInfo.InvariantCulture)); // no trailing zeros from the column's scale
    }

    [Fact]
    public async Task A_key_appended_again_later_is_not_new_and_keeps_its_first_record()
    {
        var customer = NewCustomer();
        await Journal.AppendAsync(Product, customer, [Event("k1", 2)], Cancellation);

        var added = await Journal.AppendAsync(Product, customer, [Event("k1", 40, meter: "other"), Event("k2", 1)], Cancellation);

        Assert.Equal(["k2"], added.Keys());
        var totals = Assert.Single(await Journal.TotalsAsync(Product, customer, March, Cancellation));
        Assert.Equal((Meter, 3m, 2L), (totals.MeterId, totals.Sum, totals.Count));
    }

    [Fact]
    public async Task A_key_repeated_within_one_call_counts_once_as_first_written()
    {
        var customer = NewCustomer();

        var added = await Journal.AppendAsync(Product, customer, [Event("k1", 2), Event("k2", 1), Event("k1", 50)], Cancellation);

        Assert.Equal(["k1", "k2"], added.Keys());
        var totals = Assert.Single(await Journal.TotalsAsync(Product, customer, March, Cancellation));
        Assert.Equal((3m, 2L, 2m), (totals.Sum, totals.Count, totals.Max));
    }

    [Fact]
    public async Task Keys_belong_to_one_customer_of_one_product()
    {
        var customer = NewCustomer();
        var other = NewCustomer();
        await Journal.AppendAsync(Product, customer, [Event("k1", 1)], Cancellation);

        Assert.Equal(["k1"], (await Journal.AppendAsync(Product, other, [Event("k1", 10)], Cancellation)).Keys());
        Assert.Equal(["k1"], (await Journal.AppendAsync("other_product", customer, [Event("k1", 100)], Cancellation)).Keys());

        Assert.Equal(1m, Assert.Single(await Journal.TotalsAsync(Product, customer, March, Cancellation)).Sum);
        Assert.Equal(10m, Assert.Single(await Journal.TotalsAsync(Product, other, March, Cancellation)).Sum);
        Assert.Equal(100m, Assert.Single(await Journal.TotalsAsync("other_product", customer, March, Cancellation)).Sum);
    }

    [Fact]
    public async Task Concurrent_callers_each_hear_only_their_own_new_keys()
    {
        var customers = Enumerable.Range(0, 40).Select(_ => NewCustomer()).ToArray();
        string[] keys = ["k1", "k2", "k3"];

        var answers = await Task.WhenAll(customers.Select(customer => Task.Run(
            () => Journal.AppendAsync(Product, customer, [.. keys.Select(k => Event(k, 1))], Cancellation), Cancellation)));

        Assert.All(answers, added => Assert.Equal(keys, added.Keys()));
        foreach (var customer in customers)
        {
            Assert.Equal(3L, Assert.Single(await Journal.TotalsAsync(Product, customer, March, Cancellation)).Count);
        }
    }

    [Fact]
    public async Task Totals_give_sum_count_max_and_last_per_period_and_meter()
    {
        var customer = NewCustomer();
        await Journal.AppendAsync(Product, customer,
        [
            Event("a1", 5, at: March.AddDays(2)),
            Event("a2", 9, at: March.AddDays(1)),
            Event("a3", 1.5m, at: March.AddDays(3)),
            Event("s1", 7, at: March.AddDays(4), meter: "Seats"),
            Event("n1", 4, at: April.AddDays(1), period: April),
        ], Cancellation);

        var totals = await Journal.TotalsAsync(Product, customer, March, Cancellation);

        // Periods in time order, meters in byte order ("S" before "a").
        Assert.Equal(
            [
                new UsageTotals(March, "Seats", 7, 1, 7, 7, March.AddDays(4)),
                new UsageTotals(March, Meter, 15.5m, 3, 9, 1.5m, March.AddDays(3)),
                new UsageTotals(April, Meter, 4, 1, 4, 4, April.AddDays(1)),
            ],
            totals);
    }

    [Fact]
    public async Task Last_is_the_latest_timestamp_then_the_later_accepted_then_the_greater_key()
    {
        var customer = NewCustomer();
        var at = March.AddDays(5);
        await Journal.AppendAsync(Product, customer,
        [
            Event("b", 1, at: at, received: Received),
            Event("c", 2, at: at, received: Received.AddSeconds(1)),
            Event("d", 3, at: at, received: Received.AddSeconds(1)),
            Event("e", 4, at: at.AddSeconds(-1), received: Received.AddSeconds(9)),
        ], Cancellation);
        Assert.Equal((3m, at), LastOf(await Journal.TotalsAsync(Product, customer, March, Cancellation)));

        // Keys compare by their bytes, not by a language's rules: "Z" (0x5A) sorts before "d" (0x64).
        await Journal.AppendAsync(Product, customer, [Event("Z", 8, at: at, received: Received.AddSeconds(1))], Cancellation);
        Assert.Equal((3m, at), LastOf(await Journal.TotalsAsync(Product, customer, March, Cancellation)));

        await Journal.AppendAsync(Product, customer, [Event("a", 5, at: at, received: Received.AddSeconds(2))], Cancellation);
        Assert.Equal((5m, at), LastOf(await Journal.TotalsAsync(Product, customer, March, Cancellation)));
    }

    [Fact]
    public async Task Totals_leave_out_periods_that_start_before_since()
    {
        var customer = NewCustomer();
        await Journal.AppendAsync(Product, customer, [Event("m", 1), Event("a", 2, at: April, period: April)], Cancellation);

        var totals = await Journal.TotalsAsync(Product, customer, April, Cancellation);

        Assert.Equal(April, Assert.Single(totals).PeriodStart);
        Assert.Empty(await Journal.TotalsAsync(Product, customer, April.AddTicks(10), Cancellation));
    }

    [Fact]
    public async Task Unsent_lists_in_the_order_appended_and_by_key_within_an_append_up_to_the_limit()
    {
        var customer = NewCustomer();
        await Journal.AppendAsync(Product, customer, [Event("a", 1), Event("B", 1)], Cancellation);
        await Journal.AppendAsync(Product, customer, [Event("late", 1, received: Received.AddMinutes(2))], Cancellation);
        await Journal.AppendAsync(Product, customer, [Event("middle", 1, received: Received.AddMinutes(1))], Cancellation);
        await Journal.AppendAsync(NextProduct(), customer, [Event("elsewhere", 1, received: Received.AddDays(-1))], Cancellation);

        var unsent = await Journal.UnsentAsync(Product, customer, 3, Cancellation);

        // Within one append in byte order of the key: "B" before "a".
        Assert.Equal(["B", "a", "late"], unsent.Select(r => r.IdempotencyKey));
        Assert.Equal(Event("B", 1), unsent[0] with { Sequence = 0 });
        Assert.True(unsent[0].Sequence < unsent[1].Sequence && unsent[1].Sequence < unsent[2].Sequence);
        Assert.Empty(await Journal.UnsentAsync(Product, customer, 0, Cancellation));
    }

    [Fact]
    public async Task Marking_through_a_sequence_sends_that_prefix_and_a_lower_mark_changes_nothing()
    {
        var customer = NewCustomer();
        await Journal.AppendAsync(Product, customer, [Event("k1", 1), Event("k2", 1), Event("k3", 1)], Cancellation);
        var all = await Journal.UnsentAsync(Product, customer, 10, Cancellation);

        await Journal.MarkSentAsync(Product, customer, all[1].Sequence, Received.AddMinutes(1), Cancellation);
        await Journal.MarkSentAsync(Product, customer, all[0].Sequence, Received.AddMinutes(5), Cancellation);

        Assert.Equal(["k3"], (await Journal.UnsentAsync(Product, customer, 10, Cancellation)).Select(r => r.IdempotencyKey));
        Assert.Equal(3L, Assert.Single(await Journal.TotalsAsync(Product, customer, March, Cancellation)).Count);
        await Journal.AppendAsync(Product, customer, [Event("k0", 1)], Cancellation);
        Assert.Equal(["k3", "k0"], (await Journal.UnsentAsync(Product, customer, 10, Cancellation)).Select(r => r.IdempotencyKey));
    }

    [Fact]
    public async Task Marking_another_customer_or_nothing_changes_nothing()
    {
        var customer = NewCustomer();
        var other = NewCustomer();
        await Journal.AppendAsync(Product, customer, [Event("k1", 1)], Cancellation);
        var sequence = Assert.Single(await Journal.UnsentAsync(Product, customer, 10, Cancellation)).Sequence;

        await Journal.MarkSentAsync(Product, other, sequence + 1000, Received, Cancellation);
        await Journal.MarkSentAsync(NextProduct(), customer, sequence + 1000, Received, Cancellation);
        await Journal.MarkSentAsync(Product, customer, 0, Received, Cancellation);

        Assert.Equal(["k1"], (await Journal.UnsentAsync(Product, customer, 10, Cancellation)).Select(r => r.IdempotencyKey));
    }

    [Fact]
    public async Task An_append_with_an_invalid_record_is_refused_whole()
    {
        var customer = NewCustomer();
        UsageRecord[][] invalid =
        [
            [Event("ok", 1), Event("negative", -1)],
            [Event("ok", 1), Event("seven_decimals", 0.0000001m)],
            [Event("ok", 1), Event("sixteen_digits", 1234567890.123456m)],
            [Event("ok", 1), Event("above_any_meter", 1_000_000_000_000_000m)],
            [Event("ok", 1), Event("", 1)],
            [Event("ok", 1), Event("nul\0", 1)],
            [Event("ok", 1), Event("lone\uD800surrogate", 1)],
            [Event("ok", 1), Event("no_meter", 1, meter: "")],
        ];

        foreach (var records in invalid)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Journal.AppendAsync(Product, customer, records, Cancellation));
        }

        Assert.Empty(await Journal.TotalsAsync(Product, customer, March, Cancellation));
        Assert.Equal(["ok"], (await Journal.AppendAsync(Product, customer, [Event("ok", 1)], Cancellation)).Keys());
    }

    [Fact]
    public async Task An_empty_append_records_nothing()
    {
        var customer = NewCustomer();

        Assert.Empty(await Journal.AppendAsync(Product, customer, [], Cancellation));
        Assert.Empty(await Journal.TotalsAsync(Product, customer, March, Cancellation));
    }

    [Fact]
    public async Task Times_are_kept_in_UTC_to_the_microsecond()
    {
        var customer = NewCustomer();
        var local = new DateTimeOffset(2026, 3, 10, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        await Journal.AppendAsync(Product, customer, [Event("k1", 1, at: local, received: local)], Cancellation);

        var stored = Assert.Single(await Journal.UnsentAsync(Product, customer, 10, Cancellation));

        var expected = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
        Assert.Equal((expected, TimeSpan.Zero), (stored.Timestamp, stored.Timestamp.Offset));
        Assert.Equal(expected, stored.ReceivedAt);
    }

    [Fact]
    public async Task An_append_answers_its_new_records_as_they_are_read_back_unsent()
    {
        // The usage grain forwards what its appends answered without reading it again: the answer must be the stored record.
        var customer = NewCustomer();
        var local = new DateTimeOffset(2026, 3, 10, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        await Journal.AppendAsync(Product, customer, [Event("old", 1)], Cancellation);

        var added = await Journal.AppendAsync(
            Product, customer, [Event("z", 2.500m, at: local, received: local), Event("old", 9), Event("a", 1.000001m, meter: "other")], Cancellation);

        var unsent = await Journal.UnsentAsync(Product, customer, 10, Cancellation);
        Assert.Equal(unsent.Skip(1), added);
        Assert.Equal("2.5", added.Single(r => r.IdempotencyKey == "z").Quantity.ToString(CultureInfo.InvariantCulture));
        Assert.True(added[0].Sequence < added[1].Sequence);
    }

    protected static string NewCustomer() => $"cust_{Guid.NewGuid():N}";

    protected static string NextProduct() => $"prod_{Guid.NewGuid():N}";

    /// <summary>A usage event in March on the default meter, at the 10th unless told.</summary>
    protected static UsageRecord Event(string key, decimal quantity, DateTimeOffset? at = null, string meter = Meter, DateTimeOffset? period = null, DateTimeOffset? received = null) =>
        new(key, meter, quantity, at ?? March.AddDays(9), period ?? March, received ?? Received);

    private static (decimal Last, DateTimeOffset LastAt) LastOf(IReadOnlyList<UsageTotals> totals)
    {
        var single = Assert.Single(totals);
        return (single.Last, single.LastAt);
    }
}
