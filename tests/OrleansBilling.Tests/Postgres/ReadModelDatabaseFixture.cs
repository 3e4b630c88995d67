using Npgsql;
using OrleansBilling.Silo.Database;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>A migrated database and a <see cref="PostgresReadModelWriter"/> on it, shared by one test class.</summary>
public sealed class ReadModelDatabaseFixture(PostgresServer server) : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    /// <summary>The data source the writer uses (billing connection string).</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The same database through sessions whose commits do not wait for the disk, as the event outbox's bookkeeping uses.</summary>
    public NpgsqlDataSource RelaxedDataSource { get; private set; } = null!;

    /// <summary>The writer under test.</summary>
    public PostgresReadModelWriter Writer { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync(server, "read_model");
        _dataSource = NpgsqlDataSource.Create(connectionString);
        RelaxedDataSource = NpgsqlDataSource.Create(PostgresProductEventStore.WithoutCommitWait(connectionString));
        Writer = new PostgresReadModelWriter(_dataSource);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            await RelaxedDataSource.DisposeAsync();
        }
    }
}
