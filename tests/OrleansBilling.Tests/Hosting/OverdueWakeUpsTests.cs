using OrleansBilling.Silo.Hosting;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Hosting;

/// <summary>The start-up sweep reads the reminder table in slices that cover the whole ring once.</summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class OverdueWakeUpsTests
{
    [Fact]
    public void The_slices_cover_every_grain_hash_once_from_zero_to_the_last()
    {
        // The table reads hashes above Begin up to End; a Begin above End wraps past the top of the ring.
        Assert.Equal((uint.MaxValue, (uint)((1UL << 32) / OverdueWakeUps.Slices) - 1), OverdueWakeUps.Range(0));
        for (var slice = 1; slice < OverdueWakeUps.Slices; slice++)
        {
            var (begin, end) = OverdueWakeUps.Range(slice);
            Assert.Equal(OverdueWakeUps.Range(slice - 1).End, begin);
            Assert.True(begin < end);
        }

        Assert.Equal(uint.MaxValue, OverdueWakeUps.Range(OverdueWakeUps.Slices - 1).End);
    }
}
