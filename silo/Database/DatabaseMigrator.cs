using System.Globalization;
using System.Reflection;
using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansBilling.Silo.Database;

/// <summary>
/// Applies the service's versioned PostgreSQL migrations (the Orleans tables and queries in schema
/// <c>orleans</c>, the read model in schema <c>billing</c>) with DbUp, and derives the connection
/// string the Orleans ADO.NET providers use.
/// </summary>
/// <remarks>
/// Migrations are the SQL files embedded from <c>Database/Migrations/*.sql</c>, applied in file-name
/// order, each in its own transaction, and recorded in <c>billing.schema_versions</c>; a script
/// already recorded is never run again. Safe to call from several processes at once.
/// </remarks>
public static class DatabaseMigrator
{
    /// <summary>The schema holding the Orleans storage, reminder and membership tables.</summary>
    public const string OrleansSchema = "orleans";

    /// <summary>The schema holding this service's own tables and the migration journal.</summary>
    public const string BillingSchema = "billing";

    /// <summary>The DbUp journal table (in <see cref="BillingSchema"/>).</summary>
    public const string JournalTable = "schema_versions";

    // Marks the embedded migration resources whatever the assembly's root namespace is.
    private const string ResourceMarker = ".Database.Migrations.";

    // Arbitrary but fixed: every migrator of this service takes the same advisory lock, so silos
    // starting together apply the scripts one after another instead of racing on DDL and the journal.
    private const long MigrationLockKey = 0x4F424D4947524154; // "OBMIGRAT"

    private static readonly TimeSpan MigrationPoll = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Brings the database to the latest schema. Returns the names of the scripts applied by this
    /// call (empty when the database was already up to date).
    /// </summary>
    /// <param name="connectionString">A connection string to the billing database (any search path).</param>
    /// <param name="logger">Receives DbUp's progress messages.</param>
    /// <param name="through">The last script to apply (its file name), to bring a database to an earlier schema; every script when null.</param>
    /// <exception cref="InvalidOperationException">A script failed; nothing of that script was kept.</exception>
    public static IReadOnlyList<string> Migrate(string connectionString, ILogger logger, string? through = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(logger);

        var scripts = LoadEmbeddedScripts();
        if (through is not null)
        {
            scripts = scripts.Any(s => s.Name == through)
                ? [.. scripts.Where(s => string.CompareOrdinal(s.Name, through) <= 0)]
                : throw new ArgumentException($"No migration script is named '{through}'.", nameof(through));
        }

        // The lock lives as long as this session: it is released explicitly below, or by the server
        // if this process dies mid-way.
        using var lockConnection = new NpgsqlConnection(connectionString);
        lockConnection.Open();
        Execute(lockConnection, $"SELECT pg_advisory_lock({MigrationLockKey})");
        try
        {
            // DbUp creates its journal table but not the schema around it, and the scripts create
            // objects in both schemas; creating them here keeps the scripts plain.
            Execute(lockConnection, $"CREATE SCHEMA IF NOT EXISTS {OrleansSchema}; CREATE SCHEMA IF NOT EXISTS {BillingSchema};");

            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScripts(scripts)
                .JournalToPostgresqlTable(BillingSchema, JournalTable)
                .WithTransactionPerScript()
                // Scripts use $tag$ dollar quoting, which DbUp would otherwise read as $variables$.
                .WithVariablesDisabled()
                .LogTo(new DbUpLoggerAdapter(logger))
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                var script = result.ErrorScript?.Name ?? "(unknown script)";
                throw new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"Database migration failed in '{script}': {result.Error?.Message}"),
                    result.Error);
            }

            return result.Scripts.Select(s => s.Name).ToArray();
        }
        finally
        {
            Execute(lockConnection, $"SELECT pg_advisory_unlock({MigrationLockKey})");
        }
    }

    /// <summary>The embedded scripts the database has not recorded as applied, in order (all of them on an empty database).</summary>
    /// <param name="connectionString">A connection string to the billing database.</param>
    public static IReadOnlyList<string> Pending(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            $"SELECT CASE WHEN to_regclass('{BillingSchema}.{JournalTable}') IS NULL THEN NULL ELSE 1 END", connection);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        if (command.ExecuteScalar() is not DBNull and not null)
        {
            command.CommandText = $"SELECT scriptname FROM {BillingSchema}.{JournalTable}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetString(0));
            }
        }

        return [.. LoadEmbeddedScripts().Select(s => s.Name).Where(name => !applied.Contains(name))];
    }

    /// <summary>
    /// Waits until every migration of this build is applied by someone else (the migration Job of a
    /// Kubernetes deployment), while the database is unreachable too, checking every few seconds.
    /// </summary>
    /// <exception cref="TimeoutException">Not migrated within <paramref name="patience"/>.</exception>
    public static void WaitUntilMigrated(string connectionString, ILogger logger, TimeSpan patience)
    {
        var until = DateTimeOffset.UtcNow + patience;
        while (true)
        {
            string why;
            try
            {
                if (Pending(connectionString) is not { Count: > 0 } pending)
                {
                    return;
                }

                why = string.Create(CultureInfo.InvariantCulture, $"{pending.Count} migration(s) not applied yet, the first {pending[0]}");
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                why = $"the database does not answer ({ex.Message})";
            }

            if (DateTimeOffset.UtcNow >= until)
            {
                throw new TimeoutException($"The database is not migrated after {patience}: {why}. Run the migration (`migrate`, the Kubernetes Job) or set Billing:Database:Migrate=true.");
            }

            logger.LogInformation("Waiting for the database to be migrated: {Reason}", why);
            Thread.Sleep(MigrationPoll);
        }
    }

    /// <summary>
    /// Reads the embedded migration scripts, named by file name only (e.g. <c>0001_orleans_persistence.sql</c>)
    /// so the journal does not depend on the assembly's root namespace.
    /// </summary>
    private static SqlScript[] LoadEmbeddedScripts()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.Contains(ResourceMarker, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            .Select(name => new SqlScript(name[(name.LastIndexOf(ResourceMarker, StringComparison.Ordinal) + ResourceMarker.Length)..], ReadResource(assembly, name)))
            .OrderBy(script => script.Name, StringComparer.Ordinal)
            .ToArray();

        if (scripts.Length == 0)
        {
            throw new InvalidOperationException(
                $"No migration scripts are embedded in {assembly.GetName().Name}; the project needs <EmbeddedResource Include=\"Database/Migrations/*.sql\" />.");
        }

        return scripts;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
