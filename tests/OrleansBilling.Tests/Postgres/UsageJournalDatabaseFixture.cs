using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansBilling.Silo.Database;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// A migrated database and a <see cref="PostgresUsageJournal"/> on it, shared by one test class. The
/// database orders text as American English does, not byte by byte as the test server does, so the
/// journal's promise of byte order (for ties and listings) is tested where it would otherwise break.
/// </summary>
public sealed class UsageJournalDatabaseFixture(PostgresServer server) : IAsyncLifetime
{
    /// <summary>The ICU locale of the journal's databases.</summary>
    public const string EnglishCollation = "en-US";

    private NpgsqlDataSource? _dataSource;

    /// <summary>The server, for tests that need a scratch database of their own.</summary>
    public PostgresServer Server => server;

    /// <summary>The billing connection string of the shared database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The data source the shared journal uses.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The journal under test, with the default options.</summary>
    public PostgresUsageJournal Journal { get; private set; } = null!;

    /// <summary>A journal of its own on <paramref name="dataSource"/>, for tests that dispose it or need one writer.</summary>
    public static PostgresUsageJournal NewJournal(NpgsqlDataSource dataSource, int writers = 2) =>
        new(dataSource, Options.Create(new PostgresUsageJournalOptions { Writers = writers }), NullLogger<PostgresUsageJournal>.Instance);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        ConnectionString = await MigratedDatabase.CreateAsync(server, "usage_journal", EnglishCollation);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        Journal = NewJournal(_dataSource);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Journal is not null)
        {
            await Journal.DisposeAsync();
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
