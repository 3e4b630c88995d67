using OrleansBilling.Grains.Usage;
using OrleansBilling.Tests.Infrastructure;
using Xunit;
using Forwarded = OrleansBilling.Grains.Usage.UsageGrain.Forwarded;

namespace OrleansBilling.Tests.Usage;

/// <summary>When a usage grain forwards again after a run: never while usage it may not have seen waits in the journal.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class UsageForwardingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_drained_journal_with_no_append_meanwhile_needs_no_more_forwarding()
    {
        Assert.Null(UsageGrain.NextForwardAt(Forwarded.Drained, appendedMeanwhile: false, Now));
    }

    [Fact]
    public void A_drained_journal_while_an_append_was_under_way_or_ended_is_looked_at_again_soon()
    {
        Assert.Equal(Now.AddSeconds(15), UsageGrain.NextForwardAt(Forwarded.Drained, appendedMeanwhile: true, Now));
    }

    [Fact]
    public void A_full_batch_known_to_wait_goes_at_once_unless_forwarding_is_paused()
    {
        var later = Now.AddSeconds(15);

        Assert.Equal(Now, UsageGrain.FullBatchSooner(later, Now, paused: false, knownWaiting: 100));
        Assert.Equal(later, UsageGrain.FullBatchSooner(later, Now, paused: false, knownWaiting: 99));
        Assert.Equal(later, UsageGrain.FullBatchSooner(later, Now, paused: true, knownWaiting: 2000));
        Assert.Null(UsageGrain.FullBatchSooner(null, Now, paused: false, knownWaiting: 100));
    }

    [Fact]
    public void More_than_a_runs_share_goes_at_once_and_nothing_sendable_waits_a_while()
    {
        Assert.Equal(Now, UsageGrain.NextForwardAt(Forwarded.MoreLeft, appendedMeanwhile: false, Now));
        Assert.Equal(Now.AddMinutes(1), UsageGrain.NextForwardAt(Forwarded.Waiting, appendedMeanwhile: false, Now));
    }
}
