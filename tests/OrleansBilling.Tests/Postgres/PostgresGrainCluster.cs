using OrleansBilling.Tests.Infrastructure;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// The grain cluster of <see cref="GrainCluster"/> with two silos whose grain state and reminders are
/// in a migrated PostgreSQL database, so a silo can be killed and another carry its grains on.
/// </summary>
public sealed class PostgresGrainCluster(PostgresServer server) : GrainCluster
{
    private string connectionString = "";

    protected override short Silos => 2;

    protected override async Task PrepareAsync() =>
        connectionString = await MigratedDatabase.CreateAsync(server, "grain_cluster");

    protected override void UseStorageAndReminders(ISiloBuilder silo) => silo.UsePostgresStorageAndReminders(connectionString);
}
