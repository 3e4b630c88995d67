using Npgsql;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Database;
using OrleansBilling.Tests.Infrastructure;
using OrleansBilling.Tests.Usage;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// The usage journal contract on PostgreSQL, and what only the group-commit writer can get wrong:
/// concurrency, durability, failed rounds, cancellation and shutdown.
/// </summary>
/// <remarks>
/// The tests about rounds hold a lock on the table so that the writer of a journal of their own (one,
/// unless told) is stuck in a known round; whatever is appended meanwhile waits in the queue for the next one.
/// </remarks>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class PostgresUsageJournalTests(UsageJournalDatabaseFixture fixture) : UsageJournalContract, IClassFixture<UsageJournalDatabaseFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    protected override IUsageJournal Journal => fixture.Journal;

    [Fact]
    public async Task The_same_keys_appended_concurrently_by_many_callers_count_once()
    {
        var customer = NewCustomer();
        var keys = Enumerable.Range(0, 20).Select(i => $"k{i:00}").ToArray();

        // Each caller lists the keys in its own order (rounds that share keys must not deadlock) and
        // reports its own quantity, so the stored row tells which caller's record won.
        var answers = await Task.WhenAll(Enumerable.Range(1, 32).Select(caller => Task.Run(
            () => Journal.AppendAsync(Product, customer, [.. keys.OrderBy(k => (k.GetHashCode(StringComparison.Ordinal) ^ caller) & 0xFF).Select(k => Event(k, caller))], Cancellation),
            Cancellation)));

        Assert.Equal(keys, answers.SelectMany(added => added).Keys());
        var stored = await Journal.UnsentAsync(Product, customer, 100, Cancellation);
        Assert.Equal(20, stored.Count);
        Assert.All(stored, record => Assert.Contains(record.IdempotencyKey, answers[(int)record.Quantity - 1].Keys()));
    }

    [Fact]
    public async Task Two_rounds_writing_the_same_keys_at_once_do_not_deadlock()
    {
        await using var scratch = await ScratchAsync(writers: 2);
        var customer = NewCustomer();
        var keys = Enumerable.Range(0, 2_000).Select(i => $"k{i:0000}").ToArray();
        await using var blocker = await TableLock.TakeAsync(scratch.DataSource);
        var ascending = scratch.Journal.AppendAsync(Product, customer, [.. keys.Select(k => Event(k, 1))], Cancellation);
        await blocker.WaitUntilInsertsWaitAsync(1);
        var descending = scratch.Journal.AppendAsync(Product, customer, [.. keys.Reverse().Select(k => Event(k, 1))], Cancellation);
        await blocker.WaitUntilInsertsWaitAsync(2);

        // Both rounds start together: in the callers' orders they would meet in the middle, each
        // waiting for a key the other holds.
        await blocker.ReleaseAsync();

        var answers = await Task.WhenAll(ascending, descending);
        Assert.Equal(keys, answers.SelectMany(added => added).Keys());
    }

    [Fact]
    public async Task A_key_that_two_callers_of_one_round_share_is_new_for_the_one_queued_first()
    {
        await using var scratch = await ScratchAsync();
        var customer = NewCustomer();
        await using var blocker = await TableLock.TakeAsync(scratch.DataSource);
        var stuck = scratch.Journal.AppendAsync(Product, customer, [Event("stuck", 1)], Cancellation);
        await blocker.WaitUntilInsertsWaitAsync(1);
        var first = scratch.Journal.AppendAsync(Product, customer, [Event("shared", 1), Event("own1", 1)], Cancellation);
        var second = scratch.Journal.AppendAsync(Product, customer, [Event("shared", 2), Event("own2", 1)], Cancellation);

        await blocker.ReleaseAsync();

        Assert.Equal(["stuck"], (await stuck).Keys());
        Assert.Equal(["own1", "shared"], (await first).Keys());
        Assert.Equal(["own2"], (await second).Keys());
        var shared = Assert.Single(await scratch.Journal.UnsentAsync(Product, customer, 10, Cancellation), r => r.IdempotencyKey == "shared");
        Assert.Equal(1m, shared.Quantity);
    }

    [Fact]
    public async Task A_new_journal_on_the_same_database_sees_what_an_earlier_one_acknowledged()
    {
        var customer = NewCustomer();
        IReadOnlyList<UsageTotals> totals;
        await using (var firstSource = NpgsqlDataSource.Create(fixture.ConnectionString))
        await using (var first = UsageJournalDatabaseFixture.NewJournal(firstSource))
        {
            await first.AppendAsync(Product, customer, [Event("k1", 2), Event("k2", 3)], Cancellation);
            var k1 = (await first.UnsentAsync(Product, customer, 10, Cancellation)).Single(r => r.IdempotencyKey == "k1");
            await first.MarkSentAsync(Product, customer, k1.Sequence, Received, Cancellation);
            totals = await first.TotalsAsync(Product, customer, March, Cancellation);
        }

        await using var secondSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var second = UsageJournalDatabaseFixture.NewJournal(secondSource);

        Assert.Equal(totals, await second.TotalsAsync(Product, customer, March, Cancellation));
        Assert.Equal(["k2"], (await second.UnsentAsync(Product, customer, 10, Cancellation)).Select(r => r.IdempotencyKey));
        Assert.Empty(await second.AppendAsync(Product, customer, [Event("k1", 2)], Cancellation));
    }

    [Fact]
    public async Task A_failed_round_fails_every_caller_of_it_keeps_nothing_and_the_next_round_succeeds()
    {
        await using var scratch = await ScratchAsync();
        var customer = NewCustomer();
        await scratch.Journal.AppendAsync(Product, customer, [Event("before", 1)], Cancellation);

        await using var blocker = await TableLock.TakeAsync(scratch.DataSource);
        var stuck = scratch.Journal.AppendAsync(Product, customer, [Event("stuck", 1)], Cancellation);
        await blocker.WaitUntilInsertsWaitAsync(1);
        var second = scratch.Journal.AppendAsync(Product, customer, [Event("second", 1)], Cancellation);
        var third = scratch.Journal.AppendAsync(Product, NewCustomer(), [Event("third", 1)], Cancellation);
        // From now on the table refuses every new row, the stuck round's included.
        await blocker.ExecuteAsync("ALTER TABLE billing.usage_events ADD CONSTRAINT ck_refuse_all CHECK (false) NOT VALID");
        await blocker.ReleaseAsync();

        foreach (var append in new[] { stuck, second, third })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => append);
            Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        }

        await ExecuteAsync(scratch.DataSource, "ALTER TABLE billing.usage_events DROP CONSTRAINT ck_refuse_all");
        Assert.Equal(["second", "stuck"], (await scratch.Journal.AppendAsync(Product, customer, [Event("stuck", 1), Event("second", 1)], Cancellation)).Keys());
        Assert.Equal(3L, Assert.Single(await scratch.Journal.TotalsAsync(Product, customer, March, Cancellation)).Count);
    }

    [Fact]
    public async Task An_append_cancelled_while_it_waits_in_the_queue_is_not_written()
    {
        await using var scratch = await ScratchAsync();
        var customer = NewCustomer();
        await using var blocker = await TableLock.TakeAsync(scratch.DataSource);
        var stuck = scratch.Journal.AppendAsync(Product, customer, [Event("stuck", 1)], Cancellation);
        await blocker.WaitUntilInsertsWaitAsync(1);
        using var giveUp = new CancellationTokenSource();
        var queued = scratch.Journal.AppendAsync(Product, customer, [Event("queued", 1)], giveUp.Token);

        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.False(stuck.IsCompleted);
        await blocker.ReleaseAsync();
        Assert.Equal(["stuck"], (await stuck).Keys());
        Assert.Equal(["stuck"], (await scratch.Journal.UnsentAsync(Product, customer, 10, Cancellation)).Select(r => r.IdempotencyKey));
        Assert.Equal(["queued"], (await scratch.Journal.AppendAsync(Product, customer, [Event("queued", 1)], Cancellation)).Keys());
    }

    [Fact]
    public async Task An_append_already_in_a_round_answers_its_caller_even_after_cancellation()
    {
        await using var scratch = await ScratchAsync();
        var customer = NewCustomer();
        await using var blocker = await TableLock.TakeAsync(scratch.DataSource);
        using var giveUp = new CancellationTokenSource();
        var inRound = scratch.Journal.AppendAsync(Product, customer, [Event("k1", 1)], giveUp.Token);
        await blocker.WaitUntilInsertsWaitAsync(1);

        await giveUp.CancelAsync();

        Assert.False(inRound.IsCompleted);
        await blocker.ReleaseAsync();
        Assert.Equal(["k1"], (await inRound).Keys());
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_and_refuses_what_comes_after()
    {
        await using var scratch = await ScratchAsync();
        var customer = NewCustomer();
        await using var blocker = await TableLock.TakeAsync(scratch.DataSource);
        var stuck = scratch.Journal.AppendAsync(Product, customer, [Event("stuck", 1)], Cancellation);
        await blocker.WaitUntilInsertsWaitAsync(1);
        var queued = scratch.Journal.AppendAsync(Product, customer, [Event("queued", 1)], Cancellation);

        var disposing = scratch.Journal.DisposeAsync().AsTask();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => scratch.Journal.AppendAsync(Product, customer, [Event("late", 1)], Cancellation));
        Assert.False(disposing.IsCompleted);
        await blocker.ReleaseAsync();
        await disposing;
        Assert.Equal(["stuck"], (await stuck).Keys());
        Assert.Equal(["queued"], (await queued).Keys());
        await using var reader = UsageJournalDatabaseFixture.NewJournal(scratch.DataSource);
        Assert.Equal(2L, Assert.Single(await reader.TotalsAsync(Product, customer, March, Cancellation)).Count);
    }

    private async Task<Scratch> ScratchAsync(int writers = 1)
    {
        var connectionString = await MigratedDatabase.CreateAsync(fixture.Server, "usage_rounds", UsageJournalDatabaseFixture.EnglishCollation);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        return new Scratch(dataSource, UsageJournalDatabaseFixture.NewJournal(dataSource, writers));
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    /// <summary>A database of one test, with a journal of one writer on it.</summary>
    private sealed record Scratch(NpgsqlDataSource DataSource, PostgresUsageJournal Journal) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Journal.DisposeAsync();
            await DataSource.DisposeAsync();
        }
    }

    /// <summary>An open transaction holding the usage table exclusively, so a round that writes to it waits.</summary>
    private sealed class TableLock(NpgsqlDataSource dataSource, NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public static async Task<TableLock> TakeAsync(NpgsqlDataSource dataSource)
        {
            var connection = await dataSource.OpenConnectionAsync(Cancellation);
            var transaction = await connection.BeginTransactionAsync(Cancellation);
            var taken = new TableLock(dataSource, connection, transaction);
            await taken.ExecuteAsync("LOCK TABLE billing.usage_events IN ACCESS EXCLUSIVE MODE");
            return taken;
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(Cancellation);
        }

        /// <summary>Returns once <paramref name="rounds"/> writers' inserts wait for this lock (asked on another connection: activity is a per-transaction snapshot).</summary>
        public Task WaitUntilInsertsWaitAsync(int rounds) =>
            Poll.UntilAsync(
                async () =>
                {
                    await using var command = dataSource.CreateCommand(
                        """
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock'
                          AND query LIKE 'INSERT INTO billing.usage_events%'
                        """);
                    return (long)(await command.ExecuteScalarAsync(Cancellation))! >= rounds;
                },
                Deadline,
                $"{rounds} usage journal rounds to wait for the table lock");

        public Task ReleaseAsync() => transaction.CommitAsync(Cancellation);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
