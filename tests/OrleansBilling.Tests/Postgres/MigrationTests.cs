using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Silo.Database;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>The DbUp migrations: order, idempotence, concurrency, failure, and the Orleans query catalog.</summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class MigrationTests(PostgresServer server)
{
    private static readonly string[] AllScripts =
    [
        "0001_orleans_persistence.sql",
        "0002_orleans_reminders.sql",
        "0003_orleans_clustering.sql",
        "0004_billing_read_model.sql",
        "0005_billing_stripe_events.sql",
        "0006_billing_reactivations.sql",
        "0007_billing_usage.sql",
        "0008_billing_typed_history.sql",
        "0009_billing_usage_exact.sql",
        "0010_billing_unreadable_events.sql",
        "0011_billing_staff_audit.sql",
        "0012_billing_reporting.sql",
        "0013_billing_discounts.sql",
        "0014_billing_reporting_seq.sql",
        "0015_billing_data_protection.sql",
        "0016_billing_product_events.sql",
        "0017_billing_event_deliveries_unchecked.sql",
    ];

    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_again_as_a_no_op()
    {
        var connectionString = await server.CreateDatabaseAsync("migrations_twice");
        var logger = new ListLogger();

        var first = await Task.Run(() => DatabaseMigrator.Migrate(connectionString, logger));
        var journalAfterFirst = await ReadJournalAsync(connectionString);
        var second = await Task.Run(() => DatabaseMigrator.Migrate(connectionString, NullLogger.Instance));
        var journalAfterSecond = await ReadJournalAsync(connectionString);

        Assert.Equal(AllScripts, first);
        Assert.Equal(AllScripts, journalAfterFirst.Select(j => j.Script));
        Assert.Empty(second);
        Assert.Equal(journalAfterFirst, journalAfterSecond);
        Assert.Contains(logger.Entries, e => e.Message.Contains("0006_billing_reactivations.sql", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrations_started_concurrently_apply_every_script_exactly_once()
    {
        var connectionString = await server.CreateDatabaseAsync("migrations_concurrent");

        var runs = await Task.WhenAll(Enumerable.Range(0, 3)
            .Select(_ => Task.Run(() => DatabaseMigrator.Migrate(connectionString, NullLogger.Instance))));

        Assert.Equal(AllScripts, runs.SelectMany(applied => applied).Order(StringComparer.Ordinal));
        Assert.Equal(AllScripts, (await ReadJournalAsync(connectionString)).Select(j => j.Script));
    }

    [Fact]
    public async Task A_failing_script_is_rolled_back_whole_and_reported_by_name()
    {
        var connectionString = await server.CreateDatabaseAsync("migrations_failing");
        // A table in the way makes 0001 fail half-way, after it has created OrleansQuery.
        await ExecuteAsync(connectionString, "CREATE SCHEMA orleans; CREATE TABLE orleans.OrleansStorage (x int);");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Task.Run(() => DatabaseMigrator.Migrate(connectionString, NullLogger.Instance)));

        Assert.Contains("0001_orleans_persistence.sql", error.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(error.InnerException, exactMatch: false);
        Assert.Empty(await ReadJournalAsync(connectionString));
        Assert.Equal(0L, await ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'orleans' AND tablename = 'orleansquery'"));
    }

    [Fact]
    public async Task Usage_stored_as_doubles_becomes_exact_and_a_quantity_no_decimal_holds_is_moved_aside()
    {
        var connectionString = await server.CreateDatabaseAsync("migrations_usage_exact");
        await Task.Run(() => DatabaseMigrator.Migrate(connectionString, NullLogger.Instance, through: "0008_billing_typed_history.sql"));
        await ExecuteAsync(connectionString, """
            INSERT INTO billing.usage_events (product_id, customer_id, idempotency_key, meter_id, quantity, occurred_at, period_start, received_at)
            VALUES ('p', 'c', 'tenth', 'm', 0.1, now(), now(), now()),
                   ('p', 'c', 'huge', 'm', 1e308, now(), now(), now()),
                   ('p', 'c', 'large', 'm', 999999999.123456, now(), now(), now());
            """);

        var applied = await Task.Run(() => DatabaseMigrator.Migrate(connectionString, NullLogger.Instance));

        Assert.Equal(["0009_billing_usage_exact.sql", "0010_billing_unreadable_events.sql", "0011_billing_staff_audit.sql", "0012_billing_reporting.sql", "0013_billing_discounts.sql", "0014_billing_reporting_seq.sql", "0015_billing_data_protection.sql", "0016_billing_product_events.sql", "0017_billing_event_deliveries_unchecked.sql"], applied);
        Assert.Equal(999999999.223456m, await ScalarAsync<decimal>(connectionString, "SELECT sum(quantity) FROM billing.usage_events"));
        Assert.Equal("huge", await ScalarAsync<string>(connectionString, "SELECT string_agg(idempotency_key, ',') FROM billing.usage_events_unfit"));
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connectionString, """
            INSERT INTO billing.usage_events (product_id, customer_id, idempotency_key, meter_id, quantity, occurred_at, period_start, received_at)
            VALUES ('p', 'c', 'negative', 'm', -1, now(), now(), now())
            """));
    }

    [Fact]
    public async Task Migrating_through_an_unknown_script_is_refused_before_anything_runs()
    {
        var connectionString = await server.CreateDatabaseAsync("migrations_unknown_through");

        await Assert.ThrowsAsync<ArgumentException>(() => Task.Run(() => DatabaseMigrator.Migrate(connectionString, NullLogger.Instance, through: "0042_nothing.sql")));

        Assert.Empty(await ReadJournalAsync(connectionString));
    }

    [Fact]
    public async Task Migrations_register_every_query_the_Orleans_providers_read()
    {
        var connectionString = await MigratedDatabase.CreateAsync(server, "migrations_queries");

        var keys = new List<string>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand("SELECT QueryKey FROM orleans.OrleansQuery ORDER BY QueryKey", connection);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                keys.Add(reader.GetString(0));
            }
        }

        string[] expected =
        [
            // persistence
            "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
            // reminders
            "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
            // clustering (CleanupDefunctSiloEntryKey is the optional per-row cleanup of Orleans 10.4)
            "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey",
            "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_Orleans_connection_string_resolves_unqualified_names_in_the_orleans_schema()
    {
        var connectionString = await MigratedDatabase.CreateAsync(server, "migrations_search_path");

        var orleans = ClusterSettings.OrleansConnectionString(connectionString);

        Assert.Equal("orleans", new NpgsqlConnectionStringBuilder(orleans).SearchPath);
        Assert.Equal("orleans", await ScalarAsync<string>(orleans, "SELECT current_schema()"));
        Assert.True(await ScalarAsync<long>(orleans, "SELECT count(*) FROM OrleansQuery") > 0);
    }

    private static async Task<List<(string Script, DateTime Applied)>> ReadJournalAsync(string connectionString)
    {
        var rows = new List<(string, DateTime)>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT to_regclass('billing.schema_versions') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync())!)
        {
            return rows;
        }

        await using var command = new NpgsqlCommand("SELECT scriptname, applied FROM billing.schema_versions ORDER BY schemaversionsid", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetDateTime(1)));
        }

        return rows;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
