using OrleansBilling.GrainInterfaces.Lifecycle;
using OrleansBilling.GrainInterfaces.Subscriptions;
using System.Text.Json;
using Npgsql;
using OrleansBilling.GrainInterfaces;
using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.Grains.ReadModel;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>The read-model writer: idempotent publishes, versions that never go backwards, an append-only history.</summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class PostgresReadModelWriterTests(ReadModelDatabaseFixture fixture) : IClassFixture<ReadModelDatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Writing_the_same_publish_twice_changes_nothing()
    {
        var key = NewKey();
        var row = Row(key, SubscriptionState.Active, version: 3);
        HistoryEntry[] history = [Transition(key, 1, SubscriptionState.Incomplete, SubscriptionState.Active), Fact(key, 2, "invoice=in_1")];

        await fixture.Writer.WriteAsync(row, history, TestContext.Current.CancellationToken);
        var current = await ReadCurrentAsync(key);
        var stored = await ReadHistoryAsync(key);
        await fixture.Writer.WriteAsync(row, history, TestContext.Current.CancellationToken);

        Assert.Equal(current, await ReadCurrentAsync(key));
        Assert.Equal(stored, await ReadHistoryAsync(key));
        Assert.Equal(2, stored.Count);
    }

    [Fact]
    public async Task An_older_version_never_overwrites_a_newer_one()
    {
        var key = NewKey();
        await fixture.Writer.WriteAsync(Row(key, SubscriptionState.PastDue, version: 5), [], TestContext.Current.CancellationToken);

        await fixture.Writer.WriteAsync(Row(key, SubscriptionState.Active, version: 4) with { PlanId = "old" }, [], TestContext.Current.CancellationToken);
        Assert.Equal(("PastDue", 5L, "pro"), await ReadStateAsync(key));

        await fixture.Writer.WriteAsync(Row(key, SubscriptionState.Active, version: 6), [], TestContext.Current.CancellationToken);
        Assert.Equal(("Active", 6L, "pro"), await ReadStateAsync(key));
    }

    [Fact]
    public async Task History_rows_are_unique_per_subscription_and_sequence_and_the_first_write_wins()
    {
        var key = NewKey();
        var other = NewKey();
        await fixture.Writer.WriteAsync(Row(key, SubscriptionState.Incomplete, 1), [Transition(key, 1, SubscriptionState.None, SubscriptionState.Incomplete)], TestContext.Current.CancellationToken);

        await fixture.Writer.WriteAsync(
            Row(key, SubscriptionState.Active, 2),
            [Transition(key, 1, SubscriptionState.None, SubscriptionState.Canceled) with { Name = "Rewritten" }, Transition(key, 2, SubscriptionState.Incomplete, SubscriptionState.Active)],
            TestContext.Current.CancellationToken);
        await fixture.Writer.WriteAsync(Row(other, SubscriptionState.Incomplete, 1), [Transition(other, 1, SubscriptionState.None, SubscriptionState.Incomplete)], TestContext.Current.CancellationToken);

        var history = await ReadHistoryAsync(key);
        Assert.Equal([1L, 2L], history.Select(h => h.Seq));
        Assert.Equal("CheckoutStarted", history[0].Name);
        Assert.Equal("Incomplete", history[0].ToState);
        Assert.Single(await ReadHistoryAsync(other));
    }

    [Fact]
    public async Task History_refuses_update_delete_and_truncate()
    {
        var key = NewKey();
        await fixture.Writer.WriteAsync(Row(key, SubscriptionState.Incomplete, 1), [Transition(key, 1, SubscriptionState.None, SubscriptionState.Incomplete)], TestContext.Current.CancellationToken);

        foreach (var sql in new[]
                 {
                     "UPDATE billing.subscription_history SET name = 'x' WHERE subscription_key = @key",
                     "DELETE FROM billing.subscription_history WHERE subscription_key = @key",
                     "TRUNCATE billing.subscription_history",
                 })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(sql, key));
            Assert.Equal(PostgresErrorCodes.RestrictViolation, error.SqlState);
            Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        }

        Assert.Single(await ReadHistoryAsync(key));
    }

    [Fact]
    public async Task States_kinds_times_and_details_are_stored_by_name_and_value()
    {
        var key = NewKey();
        var row = Row(key, SubscriptionState.PastDue, 7) with
        {
            CurrentPeriodEnd = new DateTimeOffset(2026, 4, 1, 2, 0, 0, TimeSpan.FromHours(2)),
            Email = "Someone@Example.com",
            ProviderCustomerId = "cus_1",
            ProviderSubscriptionId = "sub_1",
        };

        await fixture.Writer.WriteAsync(row, [Transition(key, 1, SubscriptionState.Active, SubscriptionState.PastDue) with { Detail = null }, Fact(key, 2, "currency eur")], TestContext.Current.CancellationToken);

        await using var connection = await fixture.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT s.state, s.current_period_end, h1.kind, h1.from_state, h1.detail ->> 'detail' IS NULL, h2.kind, h2.detail ->> 'detail'
            FROM billing.subscriptions s
            JOIN billing.subscription_history h1 ON h1.subscription_key = s.subscription_key AND h1.seq = 1
            JOIN billing.subscription_history h2 ON h2.subscription_key = s.subscription_key AND h2.seq = 2
            WHERE s.subscription_key = @key AND lower(s.email) = 'someone@example.com' AND s.provider_subscription_id = 'sub_1'
            """, connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal("PastDue", reader.GetString(0));
        Assert.Equal(new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc), reader.GetDateTime(1));
        Assert.Equal("transition", reader.GetString(2));
        Assert.Equal("Active", reader.GetString(3));
        Assert.True(reader.GetBoolean(4));
        Assert.Equal("fact", reader.GetString(5));
        Assert.Equal("currency eur", reader.GetString(6));
    }

    [Fact]
    public async Task A_publish_is_all_or_nothing()
    {
        var key = NewKey();

        await Assert.ThrowsAsync<PostgresException>(() => fixture.Writer.WriteAsync(
            Row(key, SubscriptionState.Active, 1),
            [Transition(key, 1, SubscriptionState.None, SubscriptionState.Active), Fact(key, 2, "a NUL \0 that jsonb refuses")],
            TestContext.Current.CancellationToken));

        Assert.Null(await ReadStateAsync(key));
        Assert.Empty(await ReadHistoryAsync(key));
    }

    [Fact]
    public async Task The_typed_record_reads_back_as_written_with_actor_terms_discounts_and_money()
    {
        var key = NewKey();
        var basic = new PriceTerms("basic", 900, "usd", BillingInterval.Month);
        var pro = new PriceTerms("pro", 2900, "usd", BillingInterval.Month, 3)
        {
            Discounts =
            [
                new PriceDiscount("di_1", "LOYAL", DiscountDuration.Forever, PercentOff: 25.5m),
                new PriceDiscount("di_2", "WELCOME", DiscountDuration.Repeating, AmountOffMinor: 500, Currency: "usd", End: Now.AddMonths(3)),
            ],
        };
        HistoryEntry[] written =
        [
            new(1, Now, HistoryKind.Transition, "PlanChanged", SubscriptionState.Active, SubscriptionState.Active, "admin:sam", "from=basic; to=pro", basic, pro, null, LifecycleTransition.PlanChanged),
            new(2, Now.AddDays(1), HistoryKind.Fact, "InvoicePaid", SubscriptionState.Active, SubscriptionState.Active, "stripe:evt_9", "invoice=in_9", Amount: new Money(8700, "usd"), Fact: HistoryFact.InvoicePaid),
        ];

        await fixture.Writer.WriteAsync(Row(key, SubscriptionState.Active, 2) with { Terms = pro }, written, TestContext.Current.CancellationToken);

        var read = await fixture.Writer.ReadAsync(key, null, 10, TestContext.Current.CancellationToken);
        Assert.Equal(written.Reverse(), read);
        Assert.Equal([written[0]], await fixture.Writer.ReadAsync(key, 2, 10, TestContext.Current.CancellationToken));
        Assert.Equal(["InvoicePaid"], await fixture.Writer.NamesByAsync(key, "stripe:evt_9", TestContext.Current.CancellationToken));
        Assert.Empty(await fixture.Writer.NamesByAsync(NewKey(), "stripe:evt_9", TestContext.Current.CancellationToken));
        Assert.Contains("\"quantity\":3", await ReadCurrentAsync(key), StringComparison.Ordinal);
        Assert.Contains("\"percent_off\": 25.5", await ReadCurrentAsync(key), StringComparison.Ordinal);
    }

    private static string NewKey() => $"prod_t/cust_{Guid.NewGuid():N}";

    private static SubscriptionRow Row(string key, SubscriptionState state, long version) =>
        new(key, "prod_t", key.Split('/')[1], state, "pro", Now.AddDays(30), null, null, null, version, Now.AddMinutes(version));

    private static HistoryEntry Transition(string key, long seq, SubscriptionState from, SubscriptionState to) =>
        new(seq, Now.AddMinutes(seq), HistoryKind.Transition, to == SubscriptionState.Incomplete ? "CheckoutStarted" : "Changed", from, to, "api:prod_t", $"customer={key}");

    private static HistoryEntry Fact(string key, long seq, string detail) =>
        new(seq, Now.AddMinutes(seq), HistoryKind.Fact, "InvoicePaid", SubscriptionState.Active, SubscriptionState.Active, "stripe:evt_1", detail);

    private async Task<(string State, long Version, string? Plan)?> ReadStateAsync(string key)
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT state, version, plan_id FROM billing.subscriptions WHERE subscription_key = @key", connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2)) : null;
    }

    private async Task<string?> ReadCurrentAsync(string key)
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT row_to_json(s)::text FROM billing.subscriptions s WHERE subscription_key = @key", connection);
        command.Parameters.AddWithValue("key", key);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task<List<(long Seq, string Name, string ToState, string Json)>> ReadHistoryAsync(string key)
    {
        var rows = new List<(long, string, string, string)>();
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT seq, name, to_state, row_to_json(h)::text FROM billing.subscription_history h WHERE subscription_key = @key ORDER BY seq", connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql, string key)
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteNonQueryAsync();
    }
}
