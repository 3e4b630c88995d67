using OrleansBilling.Gateway.Hosting;

namespace OrleansBilling.Tests.Postgres;

/// <summary>The production wiring of Orleans' ADO.NET providers on PostgreSQL, as the tests use it.</summary>
public static class PostgresSiloConfiguration
{
    /// <summary>The grain storage name the grains use.</summary>
    public const string StorageName = "billing";

    /// <summary>The ADO.NET invariant of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Grain storage (plain JSON payloads) and reminders on the migrated database.</summary>
    /// <param name="silo">The silo to configure.</param>
    /// <param name="billingConnectionString">The service's connection string; Orleans gets its search-path variant.</param>
    public static ISiloBuilder UsePostgresStorageAndReminders(this ISiloBuilder silo, string billingConnectionString)
    {
        var orleans = ClusterSettings.OrleansConnectionString(billingConnectionString);
        silo.AddAdoNetGrainStorage(StorageName, o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = orleans;
        });
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = orleans;
        });
        return silo;
    }

    /// <summary>Membership in the migrated database.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, string billingConnectionString) =>
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = ClusterSettings.OrleansConnectionString(billingConnectionString);
        });

    /// <summary>Gateway discovery from the migrated database, for a standalone client.</summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder client, string billingConnectionString) =>
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = ClusterSettings.OrleansConnectionString(billingConnectionString);
        });
}
