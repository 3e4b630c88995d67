using Orleans.TestingHost;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>Durability across a whole-cluster restart: storage and reminders are scoped by ServiceId, not by cluster.</summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class ClusterRestartTests(PostgresServer server)
{
    [Fact]
    public async Task State_and_reminders_survive_stopping_the_whole_cluster_and_starting_a_new_one_on_the_same_database()
    {
        var connectionString = await MigratedDatabase.CreateAsync(server, "cluster_restart");
        var serviceId = "svc-" + Guid.NewGuid().ToString("N")[..8];

        await using (var first = await DeployAsync(connectionString, serviceId))
        {
            await first.Client.GetGrain<ICounterGrain>("t/durable").Add(41);
            await first.Client.GetGrain<IReminderProbeGrain>("t/durable").Register("dunning", TimeSpan.FromHours(3));
            await first.StopAllSilosAsync(TestContext.Current.CancellationToken);
        }

        await using var second = await DeployAsync(connectionString, serviceId);
        Assert.Equal(41, await second.Client.GetGrain<ICounterGrain>("t/durable").GetValue());
        Assert.True(await second.Client.GetGrain<IReminderProbeGrain>("t/durable").Exists("dunning"));
    }

    private static async Task<InProcessTestCluster> DeployAsync(string connectionString, string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.UsePostgresStorageAndReminders(connectionString));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
