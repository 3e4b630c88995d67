using Microsoft.Extensions.Logging.Abstractions;
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

    [Fact]
    public async Task A_slice_that_cannot_be_read_is_tried_again_and_the_sweep_goes_on_with_the_others()
    {
        var table = new ReminderTableFailingOneSlice(failing: 1);
        var sweep = new OverdueWakeUps(table, grains: null!, TimeProvider.System, NullLogger<OverdueWakeUps>.Instance);

        await sweep.SweepAsync(TestContext.Current.CancellationToken);

        Assert.Equal(OverdueWakeUps.Slices + 1, table.Reads);
    }

    /// <summary>A reminder table with no reminders whose reads of one slice always fail, as a database blip would.</summary>
    private sealed class ReminderTableFailingOneSlice(int failing) : IReminderTable
    {
        public int Reads { get; private set; }

        public Task<ReminderTableData> ReadRows(uint begin, uint end)
        {
            Reads++;
            return (begin, end) == OverdueWakeUps.Range(failing)
                ? throw new TimeoutException("Injected: the reminder table did not answer.")
                : Task.FromResult(new ReminderTableData());
        }

        public Task<ReminderTableData> ReadRows(GrainId grainId) => throw new NotSupportedException();

        public Task<ReminderEntry> ReadRow(GrainId grainId, string reminderName) => throw new NotSupportedException();

        public Task<string> UpsertRow(ReminderEntry entry) => throw new NotSupportedException();

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => throw new NotSupportedException();

        public Task TestOnlyClearTable() => throw new NotSupportedException();
    }
}
