using Microsoft.Extensions.Logging.Abstractions;
using OrleansBilling.Silo.Database;
using OrleansBilling.Tests.Infrastructure;

namespace OrleansBilling.Tests.Postgres;

/// <summary>Creates fresh databases with every migration applied.</summary>
public static class MigratedDatabase
{
    /// <summary>A new empty database on the test server, migrated; returns the billing connection string.</summary>
    /// <param name="server">The test server.</param>
    /// <param name="prefix">The start of the database's name.</param>
    /// <param name="icuLocale">See <see cref="PostgresServer.CreateDatabaseAsync"/>.</param>
    public static async Task<string> CreateAsync(PostgresServer server, string prefix, string? icuLocale = null)
    {
        var connectionString = await server.CreateDatabaseAsync(prefix, icuLocale);
        // DbUp is synchronous; keep it off the test's synchronization context.
        await Task.Run(() => DatabaseMigrator.Migrate(connectionString, NullLogger.Instance));
        return connectionString;
    }
}
