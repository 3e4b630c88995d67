using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Grains;

/// <summary>
/// The outbox: an effect pending when its grain is deactivated runs exactly once after the grain comes
/// back, for every kind of effect (issue 9 §2). Its own cluster, since effects of a kind are made to fail.
/// </summary>
[Trait(TestKind.Trait, TestKind.Grain)]
public sealed class EffectOutboxTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    [Theory]
    [MemberData(nameof(EffectArrangements.Kinds), MemberType = typeof(EffectArrangements))]
    public async Task An_effect_pending_when_the_grain_is_deactivated_runs_exactly_once_after_it_comes_back(string kind)
    {
        var (grain, isIt) = await EffectArrangements.LeavePendingAsync(cluster, kind, $"outbox_{kind.ToLowerInvariant()}");
        EffectArrangements.AssertNotRun(cluster, isIt);

        await cluster.Cluster.DeactivateAsync(grain);

        await EffectArrangements.AssertRunsExactlyOnceAsync(cluster, grain, kind, isIt);
    }
}
