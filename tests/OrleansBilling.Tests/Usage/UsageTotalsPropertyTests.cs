using CsCheck;
using OrleansBilling.Grains.Usage;
using OrleansBilling.Silo.Usage;
using OrleansBilling.Tests.Infrastructure;
using Xunit;

namespace OrleansBilling.Tests.Usage;

/// <summary>
/// The grain keeps its period totals in memory and reads them back from the journal after a
/// restart: for any reports, with repeats and timestamp ties, both must give the same numbers.
/// </summary>
[Trait(TestKind.Trait, TestKind.Unit)]
public sealed class UsageTotalsPropertyTests
{
    private static readonly DateTimeOffset Period = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<UsageRecord> Records = Gen.Select(
        Gen.Int[1, 12], Gen.OneOf("api_calls", "projects"), Gen.Int[0, 50], Gen.Int[0, 4],
        (key, meter, quantity, minute) => new UsageRecord($"k{key}", meter, quantity, Period.AddMinutes(minute), Period, Period));

    /// <summary>Reports: each a batch accepted at its own moment.</summary>
    private static readonly Gen<UsageRecord[][]> Reports = Records.Array[1, 6].Array[1, 8];

    [Fact]
    public void Totals_kept_in_memory_equal_the_totals_the_journal_reads_back()
    {
        Reports.Sample(reports =>
        {
            var journal = new InMemoryUsageJournal();
            var inMemory = new Dictionary<string, UsageTotals>(StringComparer.Ordinal);
            for (var i = 0; i < reports.Length; i++)
            {
                var accepted = reports[i].Select(r => r with { ReceivedAt = Period.AddHours(i) }).DistinctBy(r => r.IdempotencyKey).ToList();
                var fresh = journal.AppendAsync("demo", "c1", accepted, CancellationToken.None).GetAwaiter().GetResult().Keys();

                // As the grain does: the new records of one acceptance, in key order.
                foreach (var record in accepted.Where(r => fresh.Contains(r.IdempotencyKey)).OrderBy(r => r.IdempotencyKey, StringComparer.Ordinal))
                {
                    inMemory[record.MeterId] = inMemory.GetValueOrDefault(record.MeterId).Add(record);
                }
            }

            var readBack = journal.TotalsAsync("demo", "c1", Period, CancellationToken.None).GetAwaiter().GetResult().ToDictionary(t => t.MeterId);
            Assert.Equal(inMemory.Keys.Order(StringComparer.Ordinal), readBack.Keys.Order(StringComparer.Ordinal));
            foreach (var (meter, totals) in inMemory)
            {
                Assert.Equal(totals, readBack[meter]);
            }
        });
    }
}
