using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansBilling.Tests.Grains;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Postgres;

/// <summary>
/// The outbox on PostgreSQL: an effect pending when the silo of its grain is killed (no graceful
/// stop, no last write) runs exactly once on the silo that carries the grain on, for every kind.
/// </summary>
[Trait(TestKind.Trait, TestKind.Postgres)]
public sealed class EffectsOnPostgresTests(PostgresGrainCluster cluster) : IClassFixture<PostgresGrainCluster>
{
    [Theory]
    [MemberData(nameof(EffectArrangements.Kinds), MemberType = typeof(EffectArrangements))]
    public async Task An_effect_pending_when_its_silo_is_killed_runs_exactly_once_on_the_silo_that_carries_on(string kind)
    {
        var (grain, isIt) = await EffectArrangements.LeavePendingAsync(cluster, kind, $"killed_{kind.ToLowerInvariant()}");
        EffectArrangements.AssertNotRun(cluster, isIt);

        await KillSiloOf(grain);

        await EffectArrangements.AssertRunsExactlyOnceAsync(cluster, grain, kind, isIt);
    }

    /// <summary>Kills the silo the grain is active on, and starts another so two silos remain for the next test.</summary>
    private async Task KillSiloOf(IGrain grain)
    {
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var host = (await management.GetDetailedGrainStatistics()).Single(s => s.GrainId == grain.GetGrainId()).SiloAddress;
        var silo = cluster.Cluster.Silos.Single(s => s.SiloAddress == host);
        await cluster.Cluster.KillSiloAsync(silo);
        await cluster.Cluster.StartAdditionalSiloAsync();

        // Calls reach the grain again once the cluster has declared the killed silo dead.
        await cluster.Cluster.WaitForLivenessToStabilizeAsync();
    }
}
