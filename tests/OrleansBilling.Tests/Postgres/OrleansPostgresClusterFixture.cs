using Orleans.TestingHost;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// A one-silo in-process cluster whose grain storage and reminders are Orleans' ADO.NET providers on
/// a freshly migrated database; shared by the tests of one class.
/// </summary>
/// <remarks>
/// Membership stays the test cluster's own: InProcessTestCluster always registers its in-process
/// membership table and in-memory transport, so ADO.NET clustering is proven with real hosts in
/// <see cref="ClusteringContractTests"/> instead.
/// </remarks>
public sealed class OrleansPostgresClusterFixture(PostgresServer server) : IAsyncLifetime
{
    /// <summary>A second storage provider on the same tables with DeleteStateOnClear, to cover DeleteStorageKey.</summary>
    public const string DeleteOnClearStorageName = "billing-delete-on-clear";

    private InProcessTestCluster? _cluster;

    /// <summary>The billing connection string of this fixture's database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The running cluster.</summary>
    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Services of the (first) silo, e.g. for the keyed "billing" IGrainStorage.</summary>
    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        ConnectionString = await MigratedDatabase.CreateAsync(server, "orleans_providers");
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        var connectionString = ConnectionString;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UsePostgresStorageAndReminders(connectionString);
            silo.AddAdoNetGrainStorage(DeleteOnClearStorageName, o =>
            {
                o.Invariant = PostgresSiloConfiguration.Invariant;
                o.ConnectionString = ClusterSettings.OrleansConnectionString(connectionString);
                o.DeleteStateOnClear = true;
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
