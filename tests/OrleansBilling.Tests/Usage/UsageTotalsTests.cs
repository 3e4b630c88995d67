using OrleansBilling.GrainInterfaces.Catalog;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Usage;

[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class UsageTotalsTests
{
    private static readonly DateTimeOffset Period = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static UsageRecord At(int minute, decimal quantity) =>
        new($"k{minute}-{quantity}", "m", quantity, Period.AddMinutes(minute), Period, Period.AddHours(1));

    [Fact]
    public void Every_aggregation_reads_its_own_number_from_the_same_totals()
    {
        UsageTotals? totals = null;
        foreach (var record in new[] { At(5, 3), At(1, 10), At(9, 2) })
        {
            totals = totals.Add(record);
        }

        Assert.Equal(15, totals!.ValueFor(MeterAggregation.Sum));
        Assert.Equal(3, totals.ValueFor(MeterAggregation.Count));
        Assert.Equal(10, totals.ValueFor(MeterAggregation.Max));
        Assert.Equal(2, totals.ValueFor(MeterAggregation.Last));
        Assert.Equal(Period.AddMinutes(9), totals.LastAt);
    }

    [Fact]
    public void Last_follows_the_timestamp_not_the_arrival_and_a_tie_goes_to_the_later_arrival()
    {
        var totals = ((UsageTotals?)null).Add(At(9, 4)).Add(At(2, 7));
        Assert.Equal(4, totals.ValueFor(MeterAggregation.Last));

        var tied = totals.Add(At(9, 6));
        Assert.Equal(6, tied.ValueFor(MeterAggregation.Last));
    }
}
