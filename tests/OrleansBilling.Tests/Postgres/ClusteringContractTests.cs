using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Messaging;
using OrleansBilling.Gateway.Hosting;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// ADO.NET clustering on PostgreSQL with real hosts and TCP: InProcessTestCluster cannot be used here,
/// because it always installs its own in-process membership table and in-memory transport (its switch
/// for that is internal in Orleans 10.4.2), which would leave the PostgreSQL membership unexercised
/// and a standalone client unable to connect.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class ClusteringContractTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Silos_join_serve_a_standalone_client_and_leave_through_the_membership_table()
    {
        var connectionString = await MigratedDatabase.CreateAsync(server, "clustering");
        var clusterOptions = new ClusterOptions { ClusterId = "c-" + Guid.NewGuid().ToString("N")[..8], ServiceId = "s-" + Guid.NewGuid().ToString("N")[..8] };
        var ports = LoopbackPorts.Take(4);

        using var silo1 = await StartSiloAsync(connectionString, clusterOptions, "silo-1", ports[0], ports[1]);
        using var silo2 = await StartSiloAsync(connectionString, clusterOptions, "silo-2", ports[2], ports[3]);
        await Poll.UntilAsync(async () => await CountMembersAsync(connectionString, clusterOptions.ClusterId, status: 3) == 2, Patience, "two Active rows");
        await Poll.UntilAsync(() => Task.FromResult(ActiveSilos(silo1) == 2 && ActiveSilos(silo2) == 2), Patience, "both silos to see each other");

        using (var client = await StartClientAsync(connectionString, clusterOptions))
        {
            var gateways = await client.Services.GetRequiredService<IGatewayListProvider>().GetGateways();
            Assert.Equal(
                new[] { ports[1], ports[3] }.Order(),
                gateways.Select(g => g.Port).Order());
            Assert.Equal(1, await client.Services.GetRequiredService<IClusterClient>().GetGrain<ICounterGrain>("t/clustered").Add(1));
            await client.StopAsync(TestContext.Current.CancellationToken);
        }

        await silo2.StopAsync(TestContext.Current.CancellationToken);
        await Poll.UntilAsync(async () => await CountMembersAsync(connectionString, clusterOptions.ClusterId, status: 6) == 1, Patience, "the stopped silo to be marked Dead");

        var membership = silo1.Services.GetRequiredService<IMembershipTable>();
        await membership.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), TestContext.Current.CancellationToken);
        Assert.Equal(0, await CountMembersAsync(connectionString, clusterOptions.ClusterId, status: 6));
        Assert.Equal(1, await CountMembersAsync(connectionString, clusterOptions.ClusterId, status: 3));

        await silo1.StopAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<IHost> StartSiloAsync(string connectionString, ClusterOptions cluster, string name, int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            silo.UsePostgresClustering(connectionString);
            silo.UsePostgresStorageAndReminders(connectionString);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<IHost> StartClientAsync(string connectionString, ClusterOptions cluster)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UsePostgresClustering(connectionString);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int ActiveSilos(IHost silo) =>
        silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);

    private static async Task<int> CountMembersAsync(string connectionString, string clusterId, int status)
    {
        await using var connection = new NpgsqlConnection(ClusterSettings.OrleansConnectionString(connectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Status = @status", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("status", status);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }
}
